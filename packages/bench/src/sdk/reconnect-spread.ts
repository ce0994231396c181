/**
 * How reconnects spread over time after a server restart: a histogram in fixed bins, percentiles of
 * the delay, and the peak rate the server sees (the most reconnects in any 1-second window).
 */
import { percentile } from '../server/latency.js';

export interface ReconnectSpread {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Reconnects per bin: bin i covers [i·binMs, (i+1)·binMs) after the reference time. */
  bins: number[];
  binMs: number;
  /** The most reconnects within any window of 1 s (sliding), and where that window starts. */
  peakPerSecond: number;
  peakStartMs: number;
}

/**
 * The spread of `delaysMs` (each client's reconnect, in ms after a common reference time; negative
 * delays count as 0). Throws on no delays.
 *
 * @example
 * reconnectSpread([10, 300, 320], 250).bins // [1, 2]
 */
export function reconnectSpread(delaysMs: readonly number[], binMs = 250): ReconnectSpread {
  if (delaysMs.length === 0) throw new Error('reconnectSpread: no reconnects');
  const sorted = Float64Array.from(delaysMs, (d) => Math.max(0, d)).sort();
  const max = sorted[sorted.length - 1]!;
  const bins = new Array<number>(Math.floor(max / binMs) + 1).fill(0);
  for (const d of sorted) bins[Math.floor(d / binMs)]!++;
  // Sliding window over the sorted times: the window [sorted[i], sorted[i] + 1000).
  let peak = 0;
  let peakStart = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j]! < sorted[i]! + 1_000) j++;
    if (j - i > peak) {
      peak = j - i;
      peakStart = sorted[i]!;
    }
  }
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: max,
    bins,
    binMs,
    peakPerSecond: peak,
    peakStartMs: peakStart,
  };
}
