/** Fan-out latency from arrival times: per change over the clients, and over all changes. */
import type { LatencySummary } from '../server/latency.js';
import { summarize } from '../stats.js';

/**
 * Per client, how long after `sentAtMs` (the monotonic time the change request was sent) its event
 * arrived. Throws when a client has no arrival time (it never got the event).
 *
 * @example
 * deliveryLatencies(100, [103.5, 101]) // [3.5, 1]
 */
export function deliveryLatencies(sentAtMs: number, arrivalsMs: readonly number[]): number[] {
  return arrivalsMs.map((at, i) => {
    if (!Number.isFinite(at)) throw new Error(`client ${i} did not receive the event`);
    return at - sentAtMs;
  });
}

/** One timed change: when it committed, and when it reached each client. */
export interface ChangeTiming {
  revision: number;
  /** From sending the toggle to its 200 response. */
  commitMs: number;
  /** Over the clients: latency from sending the toggle to the event's arrival. */
  delivery: LatencySummary;
}

/** Medians over changes of each client percentile (what the report calls "median of changes"). */
export function medianOverChanges(changes: readonly ChangeTiming[]): {
  p50: number;
  p99: number;
  max: number;
  worstP99: number;
  commitMs: number;
} {
  if (changes.length === 0) throw new Error('no changes were timed');
  return {
    p50: summarize(changes.map((c) => c.delivery.p50)).median,
    p99: summarize(changes.map((c) => c.delivery.p99)).median,
    max: summarize(changes.map((c) => c.delivery.max)).median,
    worstP99: Math.max(...changes.map((c) => c.delivery.p99)),
    commitMs: summarize(changes.map((c) => c.commitMs)).median,
  };
}
