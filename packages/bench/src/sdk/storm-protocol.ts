/** Messages between the reconnect-storm orchestrator and its client processes (over IPC). */

/** Parent → child: create the clients; then `close` to close them and exit. */
export type StormCommand =
  | { type: 'start'; baseUrl: string; sdkKey: string; clients: number; firstClient: number }
  | { type: 'close' };

/**
 * Child → parent, as they happen; times are `performance.timeOrigin + performance.now()` (ms, the
 * wall clock every process on the machine shares).
 * - `attempt`: client `client` sent a stream request;
 * - `open`: its stream request was answered 200 (a stream is up);
 * - `interrupted`: the client reported its connection lost;
 * - `attempt-failed`: a stream request failed (refused, reset, or a status other than 200);
 * - `ready`: every client of this process has had a stream open once;
 * - `closed`: every client is closed.
 */
export type StormEvent =
  | { type: 'attempt' | 'open' | 'interrupted' | 'attempt-failed'; client: number; at: number }
  | { type: 'ready' }
  | { type: 'closed' };

/** The shared clock. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
