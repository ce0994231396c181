import {
  type ConformanceCase,
  checkResult,
  loadBucketVectors,
  loadCases,
  loadKeyHashVectors,
} from '@ensign/conformance';
import { describe, expect, it } from 'vitest';
import { bucket, createRuleset, hashContextKey } from '../src/index.js';

// The core is the reference implementation: it must pass every case of the shared suite.

/** The case's environment; in hashed-key mode when the case file says so (docs/evaluation.md §9). */
function rulesetFor(c: ConformanceCase) {
  const hashing = c.keyHashing;
  return createRuleset(
    hashing === undefined
      ? { flags: c.flags, segments: c.segments }
      : { flags: c.flags, segments: c.segments, lookupKey: (key) => hashContextKey(hashing.salt, key) },
  );
}

describe('conformance suite', () => {
  const cases = loadCases();

  it('has at least 300 cases, some of them with hashed key lists', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(cases.filter((c) => c.keyHashing !== undefined).length).toBeGreaterThanOrEqual(30);
  });

  for (const c of cases) {
    it(c.id, () => {
      const result = rulesetFor(c).evaluate(c.flag, c.context, c.default as never, c.type);
      expect(checkResult(c, result as never)).toEqual([]);
    });
  }

  for (const v of loadBucketVectors()) {
    it(`bucket vector ${JSON.stringify(v)}`, () => {
      expect(bucket(v.flagKey, v.salt, v.value, v.seed)).toBe(v.bucket);
    });
  }

  for (const v of loadKeyHashVectors()) {
    const key = v.key.length > 40 ? `${v.key.slice(0, 40)}… (${v.key.length} characters)` : v.key;
    it(`key-hash vector ${JSON.stringify([v.salt, key])}`, () => {
      expect(hashContextKey(v.salt, v.key)).toBe(v.hash);
    });
  }
});
