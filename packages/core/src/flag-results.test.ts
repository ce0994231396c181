import { describe, expect, it } from 'vitest';
import { createRuleset } from './default-ruleset.js';
import { compileFlag } from './flag.js';
import { resultAt } from './flag-results.js';
import type { Flag } from './model.js';
import { allOperators } from './operators/all-operators.js';

const flag = (over: Partial<Flag> = {}): Flag => ({
  key: 'f',
  version: 4,
  type: 'string',
  on: true,
  variations: ['a', 'b', 'c'],
  offVariation: 2,
  prerequisites: [{ key: 'p', variation: 0 }],
  targets: [
    { variation: 1, values: ['ann'] },
    { variation: 0, values: ['bob', 'ann'] },
  ],
  rules: [
    {
      id: 'split',
      clauses: [{ attribute: 'country', op: 'in', values: ['DE'] }],
      serve: {
        rollout: {
          variations: [
            { variation: 0, weight: 50_000 },
            { variation: 1, weight: 50_000 },
          ],
        },
      },
    },
    { id: 'fixed', clauses: [], serve: { variation: 2 } },
  ],
  fallthrough: { variation: 0 },
  ...over,
});
const prerequisite: Flag = {
  key: 'p',
  version: 1,
  type: 'boolean',
  on: true,
  variations: [true, false],
  offVariation: 1,
  fallthrough: { variation: 0 },
};

describe('flag results', () => {
  it('are built on first use, then the same frozen object every time', () => {
    const compiled = compileFlag(flag(), allOperators);
    expect(compiled.results).toBeUndefined();
    const off = resultAt(compiled, 0);
    expect(off).toEqual({ value: 'c', variation: 2, reason: { kind: 'OFF' }, flagVersion: 4 });
    expect(resultAt(compiled, 0)).toBe(off);
    expect(Object.isFrozen(off)).toBe(true);
    expect(Object.isFrozen(off.reason)).toBe(true);
    // Slots: off, fallthrough, 1 prerequisite, 2 targets, 2 + 1 rule slices.
    expect(compiled.results).toHaveLength(8);
  });

  it('serve every reason with the right variation, shared across evaluations', () => {
    const rules = createRuleset({ flags: [flag(), prerequisite] });
    const cases: Array<[object, unknown]> = [
      [{ key: 'ann' }, { value: 'b', variation: 1, reason: { kind: 'TARGET_MATCH' } }],
      [{ key: 'bob' }, { value: 'a', variation: 0, reason: { kind: 'TARGET_MATCH' } }],
      [
        { key: 'cy', country: 'FR' },
        { value: 'c', reason: { kind: 'RULE_MATCH', ruleIndex: 1, ruleId: 'fixed' } },
      ],
      [{ key: 'cy', country: 'DE' }, { reason: { kind: 'RULE_MATCH', ruleIndex: 0, inRollout: true } }],
      // No key to bucket by: the split rule is skipped, the next one serves.
      [{ country: 'DE' }, { value: 'c', reason: { kind: 'RULE_MATCH', ruleIndex: 1 } }],
    ];
    for (const [context, expected] of cases) {
      const first = rules.evaluate('f', context);
      expect(first).toMatchObject(expected as object);
      if (first.reason.kind !== 'ERROR') expect(rules.evaluate('f', { ...context })).toBe(first);
    }
    rules.setFlag({ ...prerequisite, on: false });
    expect(rules.evaluate('f', { key: 'ann' })).toEqual({
      value: 'c',
      variation: 2,
      reason: { kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'p' },
      flagVersion: 4,
    });
  });

  it('share reasons: one per rule across its slices, and one of each kind without flag data', () => {
    const split = flag().rules!.slice(0, 1);
    const rules = createRuleset({
      flags: [
        flag({ key: 'f', prerequisites: [], rules: split }),
        flag({ key: 'g', prerequisites: [], rules: split }),
      ],
    });
    const users = Array.from({ length: 50 }, (_, i) => ({ key: `user-${i}`, country: 'DE' }));
    const served = users.map((u) => rules.evaluate('f', u));
    const a = served.find((r) => r.variation === 0)!;
    const b = served.find((r) => r.variation === 1)!;
    expect(a).not.toBe(b);
    expect(a.reason).toBe(b.reason);
    expect(rules.evaluate('f', { key: 'ann' }).reason).toBe(rules.evaluate('g', { key: 'ann' }).reason);
    expect(rules.evaluate('f', { key: 'x' }).reason).toBe(rules.evaluate('g', { key: 'x' }).reason);
    rules.setFlag(flag({ key: 'f', on: false }));
    rules.setFlag(flag({ key: 'g', on: false }));
    expect(rules.evaluate('f', {}).reason).toBe(rules.evaluate('g', {}).reason);
  });

  it('report a split fallthrough only when it can serve two variations', () => {
    const rollout = (weights: number[]) =>
      flag({
        prerequisites: [],
        rules: [],
        targets: [],
        fallthrough: { rollout: { variations: weights.map((weight, i) => ({ variation: i % 2, weight })) } },
      });
    const rules = createRuleset({ flags: [rollout([0, 100_000])] });
    expect(rules.evaluate('f', { key: 'u' }).reason).toEqual({ kind: 'FALLTHROUGH', inRollout: false });
    rules.setFlag(rollout([50_000, 50_000]));
    expect(rules.evaluate('f', { key: 'u' }).reason).toEqual({ kind: 'FALLTHROUGH', inRollout: true });
    rules.setFlag(rollout([50_000, 0, 50_000]));
    expect(rules.evaluate('f', { key: 'u' }).reason).toEqual({ kind: 'FALLTHROUGH', inRollout: false });
  });
});
