/** Percentiles of latency samples, as the server benchmarks report them. */

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * The nearest-rank percentile of ascending `sorted` values: the smallest value that at least `p` %
 * of the samples do not exceed (so p99 of 1,000 samples is the 990th, never an interpolation between
 * two measurements). Throws on no values or `p` outside (0, 100].
 *
 * @example
 * percentile([1, 2, 3, 4], 50) // 2
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new Error('percentile: no values');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile: p must be in (0, 100], got ${p}`);
  // The epsilon keeps float error from bumping an exact rank up by one (0.999 × 1000 = 999.0000000000001).
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100 - 1e-9));
  return sorted[rank - 1]!;
}

/** Count, mean, p50/p90/p99/p99.9 and max of `samples` (any order; not modified). */
export function summarizeLatencies(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted[sorted.length - 1]!,
  };
}
