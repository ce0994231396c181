/**
 * Reconnect delays: exponential backoff with full jitter (a uniformly random delay between 0 and the
 * exponential cap), so that a thousand SDKs whose server restarted do not all come back at once.
 */

export interface BackoffOptions {
  /** The cap of the first delay. Default 1,000 ms. */
  initialMs?: number;
  /** The largest cap. Default 30,000 ms. */
  maxMs?: number;
  /** A connection healthy for this long resets the backoff. Default 60,000 ms. */
  resetAfterMs?: number;
  /** A number in [0, 1). Default `Math.random`. */
  random?: () => number;
}

export interface Backoff {
  /** The delay before the next attempt; each call doubles the cap, up to `maxMs`. */
  next(): number;
  /** Call when a connection opens at `now`; `failed(now)` later decides whether it was healthy. */
  connected(now: number): void;
  /** Call when the connection is lost at `now`: after a healthy one, the backoff starts over. */
  disconnected(now: number): void;
  /** Starts over. */
  reset(): void;
}

/**
 * @example
 * const backoff = createBackoff();
 * setTimeout(reconnect, backoff.next()); // 0–1 s, then 0–2 s, 0–4 s … 0–30 s
 */
export function createBackoff(options: BackoffOptions = {}): Backoff {
  const initialMs = options.initialMs ?? 1_000;
  const maxMs = options.maxMs ?? 30_000;
  const resetAfterMs = options.resetAfterMs ?? 60_000;
  const random = options.random ?? Math.random;
  let attempt = 0;
  let since: number | undefined;
  return {
    next() {
      const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
      attempt++;
      return Math.floor(random() * cap);
    },
    connected(now) {
      since = now;
    },
    disconnected(now) {
      if (since !== undefined && now - since >= resetAfterMs) attempt = 0;
      since = undefined;
    },
    reset() {
      attempt = 0;
      since = undefined;
    },
  };
}
