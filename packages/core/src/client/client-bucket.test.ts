import { loadBucketVectors } from '@ensign/conformance';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucket, murmur3 as reference } from '../bucketing.js';
import { bucketOf, murmur3 } from './client-bucket.js';

describe('murmur3 and bucketOf (client)', () => {
  it('murmur3 equals the core’s for any UTF-16 text (lone surrogates as U+FFFD)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        expect(murmur3(s)).toBe(reference(s));
      }),
      { numRuns: 10_000, seed: 5 },
    );
    for (const s of ['', 'a', 'ab', 'abc', 'abcd', '\ud800', '\udc00x', '😀', 'ünïcödé'])
      expect(murmur3(s)).toBe(reference(s));
  });

  it('floors to the bucket of every bucketing vector', () => {
    const vectors = loadBucketVectors();
    expect(vectors.length).toBeGreaterThan(20);
    for (const v of vectors) {
      const prefix = v.seed === undefined ? `${v.flagKey}.${v.salt}.` : `${v.seed}.`;
      const b = bucketOf({ key: v.value }, undefined, prefix);
      expect(Math.floor(b)).toBe(v.bucket);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(100_000);
    }
  });

  it('reads bucketBy like a clause attribute: strings, and safe integers in decimal', () => {
    const ctx = {
      key: 'k',
      n: 42,
      neg: -0,
      big: 2 ** 53,
      frac: 1.5,
      t: true,
      nul: null,
      arr: ['k'],
      o: { id: 'k' },
    };
    expect(Math.floor(bucketOf(ctx, undefined, 'f..'))).toBe(bucket('f', '', 'k'));
    expect(Math.floor(bucketOf(ctx, '/o/id', 'f..'))).toBe(bucket('f', '', 'k'));
    expect(Math.floor(bucketOf(ctx, 'n', 'f..'))).toBe(bucket('f', '', '42'));
    expect(Math.floor(bucketOf(ctx, 'neg', 'f..'))).toBe(bucket('f', '', '0'));
    for (const by of ['big', 'frac', 't', 'nul', 'arr', 'o', 'missing', 'constructor']) {
      expect(bucketOf(ctx, by, 'f..'), by).toBeNaN();
    }
  });
});
