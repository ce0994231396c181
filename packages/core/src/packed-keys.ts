/**
 * A short list of context keys packed into one string: each key preceded by its length in two
 * characters (high and low byte). Ten 36-character ids cost ~400 bytes this way instead of ~640 as
 * ten strings in an array. Lookups scan, so only short lists are packed: see `MAX_PACKED`.
 */
export type PackedKeys = string;

/** Lists of more keys than this are hashed (a `Map` or `Set`) instead of packed. */
export const MAX_PACKED = 16;

/** The keys packed into one string; undefined when one is too long to pack (≥ 65,536 characters). */
export function packKeys(keys: readonly string[]): PackedKeys | undefined {
  const parts: string[] = [];
  for (const key of keys) {
    if (key.length > 0xffff) return undefined;
    parts.push(String.fromCharCode(key.length >>> 8, key.length & 0xff), key);
  }
  // `join` makes one flat string (`+=` would make a rope, bigger and slower to scan).
  return parts.join('');
}

// Hot path: a context key against a packed list; written for speed (allocates nothing).
/** Whether `key` is in the packed list. */
export function packedHas(packed: PackedKeys, key: string): boolean {
  const n = key.length;
  for (let i = 0; i < packed.length; ) {
    const len = (packed.charCodeAt(i) << 8) | packed.charCodeAt(i + 1);
    i += 2;
    // Comparing the last character first rejects most keys of the same length (ids that share a
    // prefix) before comparing the rest.
    if (len === n && (n === 0 || packed.charCodeAt(i + n - 1) === key.charCodeAt(n - 1))) {
      let j = 0;
      while (j < n && packed.charCodeAt(i + j) === key.charCodeAt(j)) j++;
      if (j === n) return true;
    }
    i += len;
  }
  return false;
}

/** The keys of a packed list, in order. */
export function unpackKeys(packed: PackedKeys): string[] {
  const out: string[] = [];
  for (let i = 0; i < packed.length; ) {
    const len = (packed.charCodeAt(i) << 8) | packed.charCodeAt(i + 1);
    out.push(packed.slice(i + 2, i + 2 + len));
    i += 2 + len;
  }
  return out;
}
