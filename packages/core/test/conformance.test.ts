import { checkResult, loadBucketVectors, loadCases } from '@ensign/conformance';
import { describe, expect, it } from 'vitest';
import { bucket, createRuleset } from '../src/index.js';

// The core is the reference implementation: it must pass every case of the shared suite.

describe('conformance suite', () => {
  const cases = loadCases();

  it('has at least 300 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
  });

  for (const c of cases) {
    it(c.id, () => {
      const rules = createRuleset({ flags: c.flags, segments: c.segments });
      const result = rules.evaluate(c.flag, c.context, c.default as never, c.type);
      expect(checkResult(c, result as never)).toEqual([]);
    });
  }

  for (const v of loadBucketVectors()) {
    it(`bucket vector ${JSON.stringify(v)}`, () => {
      expect(bucket(v.flagKey, v.salt, v.value, v.seed)).toBe(v.bucket);
    });
  }
});
