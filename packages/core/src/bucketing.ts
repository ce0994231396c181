/**
 * Rollout bucketing: MurmurHash3 x86 32-bit (seed 0) over the UTF-8 bytes of
 * `prefix + value`, scaled to [0, 100000). See docs/evaluation.md §6.
 *
 * The hash is computed straight from the string's UTF-16 code units, encoding UTF-8 on the fly,
 * so bucketing allocates nothing; the constant prefix (`flagKey.salt.`) is hashed once at compile
 * time and its intermediate state resumed for each value.
 */

/** Number of buckets: weights are expressed out of this total (0.001 % resolution). */
export const BUCKETS = 100_000;

/** The murmur3 state after hashing a constant prefix; resumed by {@link bucketOf}. */
export interface HashPrefix {
  /** Running hash after the prefix's complete 4-byte blocks. */
  readonly h: number;
  /** Pending bytes of an incomplete block, little-endian. */
  readonly k: number;
  /** Number of pending bytes (0–3). */
  readonly n: number;
  /** Total bytes hashed. */
  readonly len: number;
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

// The running hash: h, pending block k, pending byte count n, total length. An Int32Array keeps
// the values unboxed; module-level `let`s would box int32s beyond the small-integer range.
const S = new Int32Array(4);

// Hot path: one byte into the running block; written for speed.
function pushByte(b: number): void {
  const n = S[2]!;
  const k0 = S[1]! | (b << (n << 3));
  if (n === 3) {
    S[0] = mix(S[0]!, k0);
    S[1] = 0;
    S[2] = 0;
  } else {
    S[1] = k0;
    S[2] = n + 1;
  }
}

// Hot path: one 4-byte block into the hash; written for speed.
function mix(h: number, block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, C2);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

// Hot path: feeds the UTF-8 encoding of `s` into the running hash; written for speed.
function pushString(s: string): void {
  const n = s.length;
  let extra = 0; // bytes beyond one per code unit
  for (let i = 0; i < n; i++) {
    // Whole blocks of four ASCII characters at a time: the common case for keys and ids.
    if (S[2] === 0 && i + 3 < n) {
      let h = S[0]!;
      while (i + 3 < n) {
        const a = s.charCodeAt(i);
        const b = s.charCodeAt(i + 1);
        const c = s.charCodeAt(i + 2);
        const d = s.charCodeAt(i + 3);
        if ((a | b | c | d) >= 0x80) break;
        h = mix(h, a | (b << 8) | (c << 16) | (d << 24));
        i += 4;
      }
      S[0] = h;
    }
    if (i >= n) break;
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      pushByte(c);
      continue;
    }
    if (c < 0x800) {
      extra += 1;
      pushByte(0xc0 | (c >> 6));
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          // Two code units become four bytes.
          extra += 2;
          pushByte(0xf0 | (c >> 18));
          pushByte(0x80 | ((c >> 12) & 0x3f));
          pushByte(0x80 | ((c >> 6) & 0x3f));
          pushByte(0x80 | (c & 0x3f));
          continue;
        }
        c = 0xfffd; // lone surrogate, as TextEncoder does
      }
      extra += 2;
      pushByte(0xe0 | (c >> 12));
      pushByte(0x80 | ((c >> 6) & 0x3f));
    }
    pushByte(0x80 | (c & 0x3f));
  }
  S[3] = S[3]! + n + extra;
}

/** The finished hash as a signed int32 (callers take `>>> 0` where they need it unsigned). */
function finish(): number {
  let h = S[0]!;
  if (S[2]! > 0) {
    let k = Math.imul(S[1]!, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  h ^= S[3]!;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function start(h: number, k: number, n: number, len: number): void {
  S[0] = h;
  S[1] = k;
  S[2] = n;
  S[3] = len;
}

/** Hashes a constant prefix once, for many {@link bucketOf} calls. */
export function hashPrefix(prefix: string): HashPrefix {
  start(0, 0, 0, 0);
  pushString(prefix);
  return { h: S[0]!, k: S[1]!, n: S[2]!, len: S[3]! };
}

/** MurmurHash3 x86 32-bit, seed 0, of the UTF-8 encoding of `input`, as an unsigned integer. */
export function murmur3(input: string): number {
  start(0, 0, 0, 0);
  pushString(input);
  return finish() >>> 0;
}

/** The bucket in [0, 100000) of `prefix + value`. Allocates nothing. */
export function bucketOf(prefix: HashPrefix, value: string): number {
  start(prefix.h, prefix.k, prefix.n, prefix.len);
  pushString(value);
  // h × 100000 < 2^53, so this is exact.
  return Math.floor(((finish() >>> 0) * BUCKETS) / 4294967296);
}

/** The hash prefix of a flag (or segment) rollout, per docs/evaluation.md §6. */
export function rolloutPrefix(key: string, salt: string, seed: number | undefined): HashPrefix {
  return hashPrefix(seed === undefined ? `${key}.${salt}.` : `${seed}.`);
}

/**
 * The bucket a context value falls in for a flag rollout: the published formula every SDK
 * must reproduce.
 *
 * @example bucket('new-checkout', 'a1b2', 'user-42') // → an integer in [0, 100000)
 */
export function bucket(flagKey: string, salt: string, value: string, seed?: number): number {
  return bucketOf(rolloutPrefix(flagKey, salt, seed), value);
}

/**
 * The string a context contributes to bucketing (§6): a string as is, a safe integer in decimal;
 * undefined when the value is not usable.
 */
export function bucketingValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}
