import { attribute } from './client-attribute.js';
import { utf8 } from './client-utf8.js';

/**
 * Rollout bucketing for the client interpreter (docs/evaluation.md §6). A smaller MurmurHash3 than
 * bucketing.ts, which hashes straight from UTF-16 and resumes a precomputed prefix state for speed;
 * here TextEncoder does the UTF-8 and the input is hashed in one loop over 4-byte blocks.
 */

const imul = Math.imul;

/** MurmurHash3 x86 32-bit, seed 0, of the UTF-8 bytes of `text`, as an unsigned integer. */
export function murmur3(text: string): number {
  const bytes = utf8(text);
  const n = bytes.length;
  let h = 0;
  for (let i = 0, k: number; i < n; i += 4) {
    // A block, little-endian; past the end, undefined << x is 0.
    k = imul(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24), 0xcc9e2d51);
    h ^= imul((k << 15) | (k >>> 17), 0x1b873593);
    // The last, partial block is not followed by the h rounds.
    if (i + 4 <= n) h = imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= n;
  h = imul(h ^ (h >>> 16), 0x85ebca6b);
  h = imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Where the context's `bucketBy` value (default `key`) falls in [0, 100000) under `prefix`
 * (`flagKey.salt.`, `seed.` or `segmentKey.salt.`), or NaN when the value is not usable (§6 step 1):
 * NaN is below no weight. Not floored: h × 100000 / 2³² is exact (h × 100000 < 2⁵³, and the division
 * is by a power of two), and for an integer weight w, `x < w` ⇔ `floor(x) < w`.
 */
export const bucketOf = (context: object, bucketBy: string | undefined, prefix: string): number => {
  const v = attribute(context, bucketBy ?? 'key');
  return typeof v === 'string' || Number.isSafeInteger(v) ? (murmur3(prefix + v) * 100000) / 2 ** 32 : NaN;
};
