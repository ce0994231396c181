import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from './sha256.js';

const hex = (words: Int32Array): string =>
  Array.from(words, (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
const reference = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Any UTF-16 code unit sequence: ASCII, BMP, astral characters and lone surrogates. */
const anyText = (maxLength: number, minLength = 0) =>
  fc.string({
    minLength,
    maxLength,
    unit: fc.oneof(
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    ),
  });

describe('sha256', () => {
  it('reproduces the FIPS 180-4 examples and the empty string', () => {
    expect(hex(sha256(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(
      hex(
        sha256(
          'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
        ),
      ),
    ).toBe('cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1');
    expect(hex(sha256('a'.repeat(1_000_000)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('agrees with node:crypto at every length around the block and padding boundaries', () => {
    // 1-, 2-, 3- and 4-byte characters, so every byte count from 0 to 300 and each padding case occur.
    for (const ch of ['a', 'é', '€', '😀']) {
      for (let n = 0; n <= 300 / ch.length; n++) {
        const text = ch.repeat(n);
        expect(hex(sha256(text)), `${JSON.stringify(ch)} × ${n}`).toBe(reference(text));
      }
    }
  });

  it('encodes lone surrogates as U+FFFD, like TextEncoder and Buffer', () => {
    for (const text of ['\ud800', '\udfff', 'a\ud83d', '\ude00\ud83d', '\ud83d\ud83d\ude00']) {
      expect(hex(sha256(text)), JSON.stringify(text)).toBe(reference(text));
    }
    expect(hex(sha256('x\ud800y'))).toBe(hex(sha256('x\ufffdy')));
  });

  it('is tested with strings that hold astral characters and lone surrogates', () => {
    const sample = fc.sample(anyText(80), { seed: 1, numRuns: 500 });
    const withoutPairs = sample.map((s) => s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''));
    expect(sample.some((s) => /[\u{10000}-\u{10ffff}]/u.test(s))).toBe(true);
    expect(withoutPairs.some((s) => /[\ud800-\udfff]/.test(s))).toBe(true);
    expect(sample).toContain('');
  });

  it('agrees with node:crypto on random strings: full unicode, lone surrogates, empty', () => {
    fc.assert(
      fc.property(anyText(80), (text) => hex(sha256(text)) === reference(text)),
      { numRuns: 3000 },
    );
  });

  it('agrees with node:crypto on long strings (several blocks, more than 1,000 characters)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', minLength: 65, maxLength: 400 }),
          anyText(3000, 1001),
          fc.string({ unit: 'binary-ascii', minLength: 1001, maxLength: 5000 }),
        ),
        (text) => hex(sha256(text)) === reference(text),
      ),
      { numRuns: 200 },
    );
  });

  it('computes its constants far from any rounding boundary, so every engine gets the same table', () => {
    // The constants are the first 32 fractional bits of square and cube roots (FIPS 180-4 §4.2.2).
    // Here the roots are exact (BigInt); the bits after those 32 must not be all zeros or all ones
    // for long, or a cube root a few ulps off (engines differ) could flip the last bit.
    const iroot = (n: bigint, k: bigint): bigint => {
      let lo = 0n;
      let hi = 1n;
      while (hi ** k <= n) hi <<= 1n;
      while (hi - lo > 1n) {
        const mid = (lo + hi) >> 1n;
        if (mid ** k <= n) lo = mid;
        else hi = mid;
      }
      return lo;
    };
    const primes: number[] = [];
    for (let p = 2; primes.length < 64; p++) if (primes.every((q) => p % q !== 0)) primes.push(p);
    let margin = 1;
    primes.forEach((p, i) => {
      for (const k of i < 8 ? [2n, 3n] : [3n]) {
        const exact = iroot(BigInt(p) << (k * 56n), k); // floor(root × 2^56)
        const root = k === 2n ? Math.sqrt(p) : Math.cbrt(p);
        const frac = ((root - Math.floor(root)) * 2 ** 32) >>> 0;
        expect(frac, `${k === 2n ? 'sqrt' : 'cbrt'}(${p})`).toBe(Number((exact >> 24n) & 0xffffffffn));
        const rest = Number(exact & 0xffffffn) / 2 ** 24;
        margin = Math.min(margin, rest, 1 - rest);
      }
    });
    // An error of a few ulps is below 1e-5 of the last bit (roots are < 7, ulp(7) × 2^32 ≈ 4e-6).
    expect(margin).toBeGreaterThan(1e-4);
  });
});
