import { utf8 } from './client-utf8.js';

/**
 * `hashContextKey` for browser bundles: the same output as key-hash.ts (docs/evaluation.md §9) in
 * fewer bytes. key-hash.ts with sha256.ts encodes UTF-8 by hand and lays out base64url digits by bit
 * arithmetic, for speed; here TextEncoder and btoa do those parts, and the rounds are written for
 * size. Hashing runs once per distinct context key, so speed does not matter.
 */

// Declared here: the core builds against the ES2022 library alone; browsers, Node and workers have it.
declare function btoa(binary: string): string;

// The round constants and the initial hash: the first 32 fractional bits of the cube roots of the
// first 64 primes and of the square roots of the first 8 (FIPS 180-4 §4.2.2, §5.3.3), computed as
// sha256.ts does (its test shows that none lies near a rounding boundary).
const K: number[] = [];
const IV: number[] = [];
for (let p = 2, d: number; K.length < 64; p++) {
  for (d = 2; p % d; ) d++;
  if (d === p) {
    IV.push(((p ** 0.5 % 1) * 2 ** 32) | 0);
    K.push(((Math.cbrt(p) % 1) * 2 ** 32) | 0);
  }
}
/** x rotated right by n (the two halves share no bit, so `^` is `|`). */
const R = (x: number, n: number) => (x >>> n) ^ (x << (32 - n));
/** x rotated right by a, b and c, xor-ed: Σ0, Σ1, and σ0, σ1 once the shift's left half is xor-ed away. */
const S = (x: number, a: number, b: number, c: number) => R(x, a) ^ R(x, b) ^ R(x, c);
/**
 * The hashed form of a context key in a client payload (docs/evaluation.md §9): base64url without
 * padding of the first 16 bytes of SHA-256 (FIPS 180-4) over the UTF-8 bytes of `salt + ":" + key`.
 *
 * @example hashContextKey('prod-3qZ8', 'user-1') // → 'nmxWp6durQxlFFPxe_hDcw'
 */
export function hashContextKey(salt: string, key: string): string {
  const bytes = [...utf8(`${salt}:${key}`), 128];
  const bits = bytes.length * 8 - 8;
  // 0x80, zeros up to 56 mod 64, big-endian words (undefined << 8 is 0), and the length in bits as
  // two words.
  while ((bytes.length % 64) - 56) bytes.push(0);
  const words: number[] = [];
  bytes.forEach((b, i) => {
    words[i >> 2] = (words[i >> 2]! << 8) | b;
  });
  words.push((bits / 2 ** 32) | 0, bits);
  let H = IV.slice(0, 8);
  for (let at = 0; at < words.length; at += 16) {
    const W = words.slice(at, at + 16);
    // The working variables a…h (the reference names of FIPS 180-4).
    let [a, b, c, d, e, f, g, h] = H as [number, number, number, number, number, number, number, number];
    for (let t = 0; t < 64; t++) {
      if (t > 15) {
        W[t] =
          ((S(W[t - 15]!, 7, 18, 3) ^ (W[t - 15]! << 29)) +
            (S(W[t - 2]!, 17, 19, 10) ^ (W[t - 2]! << 22)) +
            W[t - 16]! +
            W[t - 7]!) |
          0;
      }
      const t1 = h + S(e, 6, 11, 25) + ((e & f) ^ (~e & g)) + K[t]! + W[t]!;
      [a, b, c, d, e, f, g, h] = [
        (t1 + S(a, 2, 13, 22) + ((a & b) ^ (a & c) ^ (b & c))) | 0,
        a,
        b,
        c,
        (d + t1) | 0,
        e,
        f,
        g,
      ];
    }
    const s = [a, b, c, d, e, f, g, h];
    H = H.map((x, i) => (x + s[i]!) | 0);
  }
  // 16 bytes are 22 base64 digits and "=="; `+` and `/` become `-` and `_` ('/' > '+').
  let o = '';
  for (let i = 0; i < 16; i++) o += String.fromCharCode((H[i >> 2]! >>> (24 - (i & 3) * 8)) & 255);
  return btoa(o)
    .slice(0, 22)
    .replace(/\W/g, (c) => (c > '+' ? '_' : '-'));
}
