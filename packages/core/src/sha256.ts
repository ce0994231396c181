/**
 * SHA-256 (FIPS 180-4) of the UTF-8 encoding of a string.
 *
 * Written by hand because evaluation is synchronous and browsers only offer an asynchronous
 * SHA-256 (`crypto.subtle.digest`). It hashes context keys, once per distinct key (see
 * key-hash.ts), so it is written for size rather than speed.
 */

// The round constants and the initial hash are the first 32 fractional bits of the cube roots of
// the first 64 primes and of the square roots of the first 8 (FIPS 180-4 §4.2.2, §5.3.3).
// Computing them is smaller than spelling out the table; sha256.test.ts checks them against it
// and that none lies near a rounding boundary, so any engine's Math.cbrt gives the same table.
const K: number[] = [];
const IV: number[] = [];
const frac = (x: number): number => ((x - Math.floor(x)) * 2 ** 32) | 0;
for (let p = 2; K.length < 64; p++) {
  let d = 2;
  while (p % d) d++;
  if (d === p) {
    if (IV.length < 8) IV.push(frac(Math.sqrt(p)));
    K.push(frac(Math.cbrt(p)));
  }
}

const ror = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/** The SHA-256 digest of `text`'s UTF-8 bytes (lone surrogates as U+FFFD), as 8 big-endian words. */
export function sha256(text: string): Int32Array {
  // At most 3 bytes per UTF-16 code unit, plus 0x80 and the 8-byte length, in 64-byte blocks.
  const words = new Int32Array((((text.length * 3 + 8) >> 6) + 1) * 16);
  let n = 0;
  const push = (byte: number): void => {
    words[n >> 2]! |= byte << (24 - (n++ & 3) * 8);
  };
  for (const ch of text) {
    let c = ch.codePointAt(0)!;
    if ((c & 0x1ff800) === 0xd800) c = 0xfffd; // a lone surrogate, as TextEncoder does
    if (c < 0x80) push(c);
    else {
      if (c < 0x800) push(0xc0 | (c >> 6));
      else {
        if (c < 0x10000) push(0xe0 | (c >> 12));
        else {
          push(0xf0 | (c >> 18));
          push(0x80 | ((c >> 12) & 63));
        }
        push(0x80 | ((c >> 6) & 63));
      }
      push(0x80 | (c & 63));
    }
  }
  const bytes = n;
  push(0x80);
  const end = (((bytes + 8) >> 6) + 1) * 16;
  words[end - 2] = bytes / 2 ** 29; // the length in bits, as a 64-bit big-endian integer
  words[end - 1] = bytes << 3;

  const H = Int32Array.from(IV);
  const W = new Int32Array(64);
  const s = new Int32Array(8); // the working variables a…h
  for (let at = 0; at < end; at += 16) {
    for (let t = 0; t < 64; t++) {
      if (t < 16) W[t] = words[at + t]!;
      else {
        const x = W[t - 15]!;
        const y = W[t - 2]!;
        W[t] =
          (ror(x, 7) ^ ror(x, 18) ^ (x >>> 3)) +
          W[t - 16]! +
          (ror(y, 17) ^ ror(y, 19) ^ (y >>> 10)) +
          W[t - 7]!;
      }
    }
    s.set(H);
    for (let t = 0; t < 64; t++) {
      const a = s[0]!;
      const e = s[4]!;
      const t1 = s[7]! + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & s[5]!) ^ (~e & s[6]!)) + K[t]! + W[t]!;
      const t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & s[1]!) ^ (a & s[2]!) ^ (s[1]! & s[2]!));
      s.copyWithin(1, 0, 7); // h = g, g = f, …, b = a (typed-array stores wrap to 32 bits)
      s[4]! += t1;
      s[0] = t1 + t2;
    }
    for (let i = 0; i < 8; i++) H[i]! += s[i]!;
  }
  return H;
}
