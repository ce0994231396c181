import { type AttributeRef, compileAttributeRef, resolveAttribute } from './attribute.js';
import { BUCKETS, bucketingValue, bucketOf, rolloutPrefix } from './bucketing.js';
import { attributeText, internalized } from './clause.js';
import { fail } from './compile-error.js';
import { readArray, readInteger, readObject, readString } from './config-reader.js';
import type { Rollout, Serve } from './model.js';

/**
 * A compiled rollout. It is its own bucketing `HashPrefix` (`h`, `k`, `n`, `len`: the murmur3
 * state after `flagKey.salt.`), which saves an object per rollout.
 */
export interface CompiledRollout {
  readonly h: number;
  readonly k: number;
  readonly n: number;
  readonly len: number;
  readonly bucketBy: AttributeRef;
  /** Per slice, its cumulative upper bound and its variation: `[bound0, variation0, bound1, …]`. */
  readonly slices: readonly number[];
  /** Whether more than one variation has a non-zero weight (reported as `inRollout`). */
  readonly inRollout: boolean;
  readonly seed: number | undefined;
  /** Whether `bucketBy` was given (it defaults to `key`). */
  readonly bucketByGiven: boolean;
}

/**
 * What a rule or the fallthrough serves, compiled: a fixed variation (a number: no object at all),
 * or a rollout. Each serve owns consecutive result slots of its flag: one per slice.
 */
export type CompiledServe = number | CompiledRollout;

/** Compiles a `serve`/`fallthrough`; `variations` is the flag's variation count. */
export function compileServe(
  raw: unknown,
  path: string,
  flagKey: string,
  salt: string,
  variations: number,
): CompiledServe {
  const s = readObject(raw, path);
  const hasVariation = s.variation !== undefined;
  if (hasVariation === (s.rollout !== undefined))
    fail(path, 'must have exactly one of "variation" or "rollout"');
  if (hasVariation) return readInteger(s.variation, `${path}.variation`, 0, variations - 1);

  const rpath = `${path}.rollout`;
  const r = readObject(s.rollout, rpath);
  const bucketBy = compileAttributeRef(
    r.bucketBy === undefined ? 'key' : internalized(readString(r.bucketBy, `${rpath}.bucketBy`, true)),
    `${rpath}.bucketBy`,
  );
  const seed =
    r.seed === undefined ? undefined : readInteger(r.seed, `${rpath}.seed`, -(2 ** 53) + 1, 2 ** 53 - 1);
  const raws = readArray(r.variations, `${rpath}.variations`);
  if (raws.length === 0) fail(`${rpath}.variations`, 'must not be empty');
  const slices: number[] = [];
  let total = 0;
  let served = -1; // the one variation with a non-zero weight so far; -2 once there are two
  raws.forEach((raw, i) => {
    const p = `${rpath}.variations[${i}]`;
    const slice = readObject(raw, p);
    const variation = readInteger(slice.variation, `${p}.variation`, 0, variations - 1);
    const weight = readInteger(slice.weight, `${p}.weight`, 0, BUCKETS);
    if (weight > 0) served = served === -1 || served === variation ? variation : -2;
    total += weight;
    slices.push(total, variation);
  });
  if (total !== BUCKETS) fail(`${rpath}.variations`, `weights must sum to ${BUCKETS}, not ${total}`);
  const { h, k, n, len } = rolloutPrefix(flagKey, salt, seed);
  return {
    h,
    k,
    n,
    len,
    bucketBy,
    slices: slices.slice(), // an exact-size copy: `push` leaves spare capacity
    // A rollout that can serve only one variation is not random: it is not reported as a split.
    inRollout: served === -2,
    seed,
    bucketByGiven: r.bucketBy !== undefined,
  };
}

/** How many result slots a serve owns (one per slice). */
export function slotsOf(s: CompiledServe): number {
  return typeof s === 'number' ? 1 : s.slices.length / 2;
}

/** The variation served from slice `slice` of `s`. */
export function variationOf(s: CompiledServe, slice: number): number {
  return typeof s === 'number' ? s : s.slices[slice * 2 + 1]!;
}

// Hot path: picks the served slice; written for speed.
/** The slice served to `context` (0 for a fixed variation), or -1 when it has no usable bucketing value. */
export function sliceOf(s: CompiledServe, context: object): number {
  if (typeof s === 'number') return 0;
  const value = bucketingValue(resolveAttribute(context, s.bucketBy));
  if (value === undefined) return -1;
  const b = bucketOf(s, value);
  const slices = s.slices;
  for (let i = 0; i < slices.length; i += 2) if (b < slices[i]!) return i >> 1;
  return -1; // unreachable: the last bound is BUCKETS
}

/** The serve as it was given. */
export function serveSource(s: CompiledServe): Serve {
  if (typeof s === 'number') return { variation: s };
  const variations: Rollout['variations'] = [];
  for (let i = 0, from = 0; i < s.slices.length; i += 2) {
    variations.push({ variation: s.slices[i + 1]!, weight: s.slices[i]! - from });
    from = s.slices[i]!;
  }
  return {
    rollout: {
      ...(s.bucketByGiven && { bucketBy: attributeText(s.bucketBy) }),
      ...(s.seed !== undefined && { seed: s.seed }),
      variations,
    },
  };
}
