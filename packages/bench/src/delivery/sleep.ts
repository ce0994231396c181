/** A pause between benchmark phases (never in tests: they wait for events). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
