import { type AttributeRef, compileAttributeRef, resolveAttribute } from './attribute.js';
import { BUCKETS, bucketingValue, bucketOf, type HashPrefix, rolloutPrefix } from './bucketing.js';
import { fail } from './compile-error.js';
import { readArray, readInteger, readObject, readString } from './config-reader.js';
import type { Evaluation } from './model.js';

/** What a rule or the fallthrough serves, compiled: a fixed result, or a rollout's results. */
export type CompiledServe =
  | { readonly fixed: Evaluation }
  | {
      readonly fixed?: undefined;
      readonly prefix: HashPrefix;
      readonly bucketBy: AttributeRef;
      /** Cumulative upper bounds of each slice. */
      readonly bounds: readonly number[];
      readonly results: readonly Evaluation[];
    };

/**
 * Compiles a `serve`/`fallthrough`. `result(variation, inRollout)` builds the shared result for a
 * variation served from this site; `variations` is the flag's variation count.
 */
export function compileServe(
  raw: unknown,
  path: string,
  flagKey: string,
  salt: string,
  variations: number,
  result: (variation: number, inRollout: boolean) => Evaluation,
): CompiledServe {
  const s = readObject(raw, path);
  const hasVariation = s.variation !== undefined;
  if (hasVariation === (s.rollout !== undefined))
    fail(path, 'must have exactly one of "variation" or "rollout"');
  if (hasVariation)
    return { fixed: result(readInteger(s.variation, `${path}.variation`, 0, variations - 1), false) };

  const rpath = `${path}.rollout`;
  const r = readObject(s.rollout, rpath);
  const bucketBy = compileAttributeRef(
    r.bucketBy === undefined ? 'key' : readString(r.bucketBy, `${rpath}.bucketBy`, true),
    `${rpath}.bucketBy`,
  );
  const seed =
    r.seed === undefined ? undefined : readInteger(r.seed, `${rpath}.seed`, -(2 ** 53) + 1, 2 ** 53 - 1);
  const slices = readArray(r.variations, `${rpath}.variations`);
  if (slices.length === 0) fail(`${rpath}.variations`, 'must not be empty');
  const picked: number[] = [];
  const bounds: number[] = [];
  let total = 0;
  const weighted = new Set<number>(); // variations with a non-zero weight
  slices.forEach((raw, i) => {
    const p = `${rpath}.variations[${i}]`;
    const slice = readObject(raw, p);
    const variation = readInteger(slice.variation, `${p}.variation`, 0, variations - 1);
    picked.push(variation);
    const weight = readInteger(slice.weight, `${p}.weight`, 0, BUCKETS);
    if (weight > 0) weighted.add(variation);
    total += weight;
    bounds.push(total);
  });
  if (total !== BUCKETS) fail(`${rpath}.variations`, `weights must sum to ${BUCKETS}, not ${total}`);
  // A rollout that can serve only one variation is not random: it is not reported as a split.
  const inRollout = weighted.size > 1;
  return {
    prefix: rolloutPrefix(flagKey, salt, seed),
    bucketBy,
    bounds,
    results: picked.map((v) => result(v, inRollout)),
  };
}

// Hot path: picks the served result; written for speed.
/** The result served to `context`, or undefined when it has no usable bucketing value. */
export function serve(s: CompiledServe, context: object): Evaluation | undefined {
  if (s.fixed !== undefined) return s.fixed;
  const value = bucketingValue(resolveAttribute(context, s.bucketBy));
  if (value === undefined) return undefined;
  const b = bucketOf(s.prefix, value);
  const bounds = s.bounds;
  for (let i = 0; i < bounds.length; i++) if (b < bounds[i]!) return s.results[i];
  return undefined; // unreachable: the last bound is BUCKETS
}
