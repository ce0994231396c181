/**
 * Web Storage, best effort: `localStorage` holds the last snapshot (the cache), `sessionStorage` the
 * telemetry instance id. Storage may be missing (Node), full, or throw on any access (Safari's private
 * mode, storage disabled by policy): all of these are the same as an empty storage that keeps nothing.
 * One function for every access, because each `try` costs bytes in a 4 KB SDK.
 */
export function storage(
  area: 'localStorage' | 'sessionStorage',
  method: 'getItem' | 'setItem' | 'removeItem',
  key: string,
  value?: string,
): string | null | undefined {
  try {
    return (globalThis[area] as unknown as Record<string, (key: string, value?: string) => string | null>)[
      method
    ]!(key, value);
  } catch {
    return undefined; // unavailable: nothing stored, nothing read
  }
}
