/**
 * How concurrent writers share the benchmark's flags: each lane (one request in flight) owns its own
 * flags, so no two requests in flight edit the same flag and none can fail its If-Match.
 */

/**
 * Flag indexes per lane, dealt round-robin: lane `i` gets `i, i + lanes, i + 2·lanes, …` below
 * `flagCount`. Throws when there are fewer flags than lanes (a lane would have nothing to write).
 *
 * @example
 * dealFlags(5, 2) // [[0, 2, 4], [1, 3]]
 */
export function dealFlags(flagCount: number, lanes: number): number[][] {
  if (!Number.isInteger(lanes) || lanes < 1)
    throw new Error(`lanes must be a positive integer, got ${lanes}`);
  if (flagCount < lanes) throw new Error(`${lanes} lanes need at least ${lanes} flags, got ${flagCount}`);
  const dealt: number[][] = Array.from({ length: lanes }, () => []);
  for (let i = 0; i < flagCount; i++) dealt[i % lanes]!.push(i);
  return dealt;
}
