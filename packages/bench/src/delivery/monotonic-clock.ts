/**
 * The time base every benchmark process shares: CLOCK_MONOTONIC (`process.hrtime`), which on Linux
 * is one clock for the whole machine. A time taken in the parent when it sends a change and times
 * taken in client processes when they receive it can be subtracted directly, with no offset to
 * estimate (unlike `performance.now()`, whose origin is each process's own start).
 */

/** Milliseconds on the machine's monotonic clock, with microsecond resolution. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}
