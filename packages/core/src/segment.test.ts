import { describe, expect, it } from 'vitest';
import { createRuleset } from './default-ruleset.js';
import type { Flag, Segment } from './model.js';

const inSegment: Flag = {
  key: 'f',
  version: 1,
  type: 'boolean',
  on: true,
  variations: [true, false],
  offVariation: 1,
  rules: [
    {
      id: 'r',
      clauses: [{ attribute: 'key', op: 'segmentMatch', values: ['beta'] }],
      serve: { variation: 0 },
    },
  ],
  fallthrough: { variation: 1 },
};

describe('segments', () => {
  it('test included and excluded keys the same way whether packed (few) or hashed (many)', () => {
    for (const size of [2, 16, 17, 300]) {
      const included = Array.from({ length: size }, (_, i) => `in-${i}`);
      const excluded = Array.from({ length: size }, (_, i) => `out-${i}`);
      const segment: Segment = {
        key: 'beta',
        version: 1,
        included: [...included, 'both'],
        excluded: ['both', ...excluded],
        rules: [{ clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }] }],
      };
      const rules = createRuleset({ flags: [inSegment], segments: [segment] });
      const value = (context: object) => rules.evaluate('f', context).value;
      expect(value({ key: `in-${size - 1}` })).toBe(true);
      expect(value({ key: 'both' })).toBe(true); // included wins
      expect(value({ key: `out-${size - 1}`, plan: 'pro' })).toBe(false);
      expect(value({ key: 'other', plan: 'pro' })).toBe(true);
      expect(value({ key: 'other' })).toBe(false);
      expect(rules.getSegment('beta')).toStrictEqual(segment);
    }
  });

  it('look hashed keys up by the mapped key', () => {
    const rules = createRuleset({
      flags: [inSegment],
      segments: [{ key: 'beta', version: 1, included: ['#ann'] }],
      lookupKey: (key) => `#${key}`,
    });
    expect(rules.evaluate('f', { key: 'ann' }).value).toBe(true);
    expect(rules.evaluate('f', { key: '#ann' }).value).toBe(false);
  });
});
