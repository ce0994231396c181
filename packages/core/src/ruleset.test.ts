import { describe, expect, it } from 'vitest';
import { createRuleset } from './default-ruleset.js';
import { hashContextKey } from './key-hash.js';
import type { Flag } from './model.js';

const boolFlag = (over: Partial<Flag> = {}): Flag => ({
  key: 'checkout',
  version: 3,
  type: 'boolean',
  on: true,
  variations: [true, false],
  offVariation: 1,
  rules: [
    {
      id: 'eu',
      clauses: [{ attribute: 'country', op: 'in', values: ['DE', 'FR', 'NL'] }],
      serve: {
        rollout: {
          variations: [
            { variation: 0, weight: 30_000 },
            { variation: 1, weight: 70_000 },
          ],
        },
      },
    },
  ],
  fallthrough: { variation: 1 },
  salt: 's1',
  ...over,
});

describe('createRuleset', () => {
  it('returns the same frozen result object for repeated evaluations (nothing allocated)', () => {
    const rules = createRuleset({ flags: [boolFlag()] });
    const ctx = { key: 'user-1', country: 'US' };
    const a = rules.evaluate('checkout', ctx, false, 'boolean');
    expect(a).toBe(rules.evaluate('checkout', ctx, false, 'boolean'));
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.reason)).toBe(true);
    expect(a).toEqual({
      value: false,
      variation: 1,
      reason: { kind: 'FALLTHROUGH', inRollout: false },
      flagVersion: 3,
    });
  });

  it('freezes copies of JSON variations and leaves the caller’s flag mutable', () => {
    const flag: Flag = { ...boolFlag(), type: 'json', variations: [{ a: [1] }, { b: 2 }], rules: [] };
    const rules = createRuleset({ flags: [flag] });
    const r = rules.evaluate('checkout', { key: 'k' });
    expect(r.value).toEqual({ b: 2 });
    expect(Object.isFrozen(r.value)).toBe(true);
    expect(Object.isFrozen(flag.variations[1])).toBe(false);
  });

  it('reports compile problems with the path and evaluates such a flag to MALFORMED_FLAG', () => {
    const bad = boolFlag({
      rules: [
        { id: 'r', clauses: [{ attribute: 'v', op: 'semverGt', values: ['1.x'] }], serve: { variation: 0 } },
      ],
    });
    const rules = createRuleset({ flags: [bad, { nonsense: true }] });
    expect(rules.problems()).toEqual([
      { kind: 'flag', key: undefined, path: 'key', message: 'key: must be a string' },
      {
        kind: 'flag',
        key: 'checkout',
        path: 'rules[0].clauses[0].values[0]',
        message: 'rules[0].clauses[0].values[0]: invalid semantic version "1.x"',
      },
    ]);
    const r = rules.evaluate('checkout', { key: 'u' }, true, 'boolean');
    expect(r.value).toBe(true);
    expect(r.variation).toBeUndefined();
    expect(r.reason).toMatchObject({ kind: 'ERROR', errorKind: 'MALFORMED_FLAG' });
  });

  it('replaces and deletes flags and segments', () => {
    const rules = createRuleset({ flags: [boolFlag({ on: false })] });
    expect(rules.evaluate('checkout', { key: 'u' }).reason.kind).toBe('OFF');
    expect(rules.setFlag(boolFlag({ on: true, rules: [] }))).toBeUndefined();
    expect(rules.evaluate('checkout', { key: 'u' }).reason.kind).toBe('FALLTHROUGH');
    expect(rules.getFlag('checkout')?.on).toBe(true);
    rules.deleteFlag('checkout');
    expect(rules.evaluate('checkout', { key: 'u' }).reason).toMatchObject({ errorKind: 'FLAG_NOT_FOUND' });
    expect(rules.flagKeys()).toEqual([]);

    rules.setFlag(
      boolFlag({
        rules: [
          {
            id: 'beta',
            clauses: [{ attribute: 'key', op: 'segmentMatch', values: ['beta'] }],
            serve: { variation: 0 },
          },
        ],
      }),
    );
    expect(rules.evaluate('checkout', { key: 'ann' }).value).toBe(false);
    rules.setSegment({ key: 'beta', version: 1, included: ['ann'] });
    expect(rules.evaluate('checkout', { key: 'ann' }).value).toBe(true);
    expect(rules.getSegment('beta')?.included).toEqual(['ann']);
    expect(rules.segmentKeys()).toEqual(['beta']);
    rules.deleteSegment('beta');
    expect(rules.segmentKeys()).toEqual([]);
    expect(rules.evaluate('checkout', { key: 'ann' }).value).toBe(false);
  });

  it('never overflows the stack on a 10,000-flag prerequisite chain', () => {
    const flags: Flag[] = Array.from({ length: 10_000 }, (_, i) =>
      boolFlag({
        key: `f${i}`,
        rules: [],
        fallthrough: { variation: 0 },
        prerequisites: i < 9_999 ? [{ key: `f${i + 1}`, variation: 0 }] : [],
      }),
    );
    const rules = createRuleset({ flags });
    expect(rules.evaluate('f0', { key: 'u' }, false).reason).toMatchObject({
      kind: 'ERROR',
      errorKind: 'MALFORMED_FLAG',
    });
    // 64 levels are allowed.
    expect(rules.evaluate('f9936', { key: 'u' }, false).reason).toEqual({
      kind: 'FALLTHROUGH',
      inRollout: false,
    });
    expect(rules.evaluate('f9935', { key: 'u' }, false).reason).toMatchObject({ kind: 'ERROR' });
  });

  it('turns a throwing context getter into an EXCEPTION error instead of throwing', () => {
    const rules = createRuleset({ flags: [boolFlag()] });
    const hostile = {
      key: 'u',
      get country(): string {
        throw new Error('boom');
      },
    };
    const r = rules.evaluate('checkout', hostile, true, 'boolean');
    expect(r.value).toBe(true);
    expect(r.reason).toMatchObject({ kind: 'ERROR', errorKind: 'EXCEPTION' });
    // The evaluator recovers: the next evaluation is normal.
    expect(rules.evaluate('checkout', { key: 'u', country: 'US' }).reason.kind).toBe('FALLTHROUGH');
  });

  it('ignores inherited members of the context', () => {
    const rules = createRuleset({
      flags: [
        boolFlag({
          rules: [
            {
              id: 'r',
              clauses: [{ attribute: 'toString', op: 'exists', values: [] }],
              serve: { variation: 0 },
            },
          ],
        }),
      ],
    });
    expect(rules.evaluate('checkout', { key: 'u' }).value).toBe(false);
    expect(rules.evaluate('checkout', { key: 'u', toString: 'x' }).value).toBe(true);
  });
});

describe('createRulesetWith', () => {
  it('rejects flags that use an operator outside the given packs, naming the clause', async () => {
    const { basicOperators } = await import('./operators/basic-operators.js');
    const { createRulesetWith } = await import('./ruleset.js');
    const flag = boolFlag({
      rules: [
        {
          id: 'r',
          clauses: [{ attribute: 'v', op: 'semverGt', values: ['1.0.0'] }],
          serve: { variation: 0 },
        },
      ],
    });
    const lean = createRulesetWith(basicOperators, { flags: [flag] });
    expect(lean.problems()[0]?.message).toBe(
      'rules[0].clauses[0].op: operator "semverGt" is not available in this build',
    );
    expect(lean.evaluate('checkout', { key: 'u', v: '2.0.0' }, false).reason).toMatchObject({
      errorKind: 'MALFORMED_FLAG',
    });
    expect(createRuleset({ flags: [flag] }).evaluate('checkout', { key: 'u', v: '2.0.0' }).value).toBe(true);
  });
});

describe('hashed key lists (lookupKey)', () => {
  const salt = 'env-1';
  const h = (key: string) => hashContextKey(salt, key);
  const lookupKey = (key: string) => hashContextKey(salt, key);
  const flag = boolFlag({
    targets: [{ variation: 0, values: [h('ann')] }],
    rules: [
      {
        id: 'beta',
        clauses: [{ attribute: 'key', op: 'segmentMatch', values: ['beta'] }],
        serve: { variation: 0 },
      },
    ],
    fallthrough: { variation: 1 },
  });
  const beta = {
    key: 'beta',
    version: 1,
    included: [h('bea')],
    excluded: [h('cid')],
    rules: [{ clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }] }],
  };
  const kind = (rules: ReturnType<typeof createRuleset>, context: object) =>
    rules.evaluate('checkout', context).reason.kind;

  it('looks up targets and segment lists by the hash of the context key', () => {
    const rules = createRuleset({ flags: [flag], segments: [beta], lookupKey });
    expect(kind(rules, { key: 'ann' })).toBe('TARGET_MATCH');
    expect(kind(rules, { key: 'bea' })).toBe('RULE_MATCH');
    expect(kind(rules, { key: 'cid', plan: 'pro' })).toBe('FALLTHROUGH');
    expect(kind(rules, { key: 'dan', plan: 'pro' })).toBe('RULE_MATCH');
    expect(kind(rules, { plan: 'pro' })).toBe('RULE_MATCH');
    expect(kind(rules, {})).toBe('FALLTHROUGH');
    // A key that is itself a listed hash is not the key it was made from.
    expect(kind(rules, { key: h('ann') })).toBe('FALLTHROUGH');
    expect(kind(rules, { key: h('bea') })).toBe('FALLTHROUGH');
  });

  it('is opt-in: without lookupKey the same lists are compared with the key itself', () => {
    const rules = createRuleset({ flags: [flag], segments: [beta] });
    expect(kind(rules, { key: 'ann' })).toBe('FALLTHROUGH');
    expect(kind(rules, { key: h('ann') })).toBe('TARGET_MATCH');
    expect(kind(rules, { key: h('bea') })).toBe('RULE_MATCH');
  });

  it('maps a key once for a run of evaluations of the same key, and returns shared results', () => {
    const calls: string[] = [];
    const counting = (key: string) => {
      calls.push(key);
      return lookupKey(key);
    };
    const flags = Array.from({ length: 20 }, (_, i) => ({ ...flag, key: `f${i}` }));
    const rules = createRuleset({ flags, segments: [beta], lookupKey: counting });
    const first = rules.evaluate('f0', { key: 'ann' });
    for (let round = 0; round < 3; round++) {
      for (const f of flags) rules.evaluate(f.key, { key: 'ann', plan: 'pro' });
      for (const f of flags) rules.evaluate(f.key, { key: 'ann' });
    }
    expect(calls).toEqual(['ann']);
    expect(rules.evaluate('f0', { key: 'ann' })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    rules.evaluate('f0', { key: 'bea' });
    rules.evaluate('f1', { key: 'bea' });
    rules.evaluate('f0', { key: 'ann' });
    expect(calls).toEqual(['ann', 'bea', 'ann']);
    rules.evaluate('f0', {});
    expect(calls).toHaveLength(3);
    // Errors reported before evaluation (unknown flag, invalid key) do not map the key.
    rules.evaluate('missing', { key: 'zed' });
    rules.evaluate('f0', { key: 42 });
    expect(calls).toHaveLength(3);
  });

  it('leaves rules and rollouts alone: clause values and bucketing see the plain key', () => {
    const plain = boolFlag({
      key: 'plain',
      rules: [
        { id: 'ann', clauses: [{ attribute: 'key', op: 'in', values: ['ann'] }], serve: { variation: 0 } },
      ],
      fallthrough: {
        rollout: {
          variations: [
            { variation: 0, weight: 50_000 },
            { variation: 1, weight: 50_000 },
          ],
        },
      },
    });
    const hashed = createRuleset({ flags: [plain], lookupKey });
    const unhashed = createRuleset({ flags: [plain] });
    expect(hashed.evaluate('plain', { key: 'ann' }).reason.kind).toBe('RULE_MATCH');
    for (let i = 0; i < 200; i++) {
      const context = { key: `user-${i}` };
      expect(hashed.evaluate('plain', context)).toBe(hashed.evaluate('plain', context));
      expect(hashed.evaluate('plain', context)).toEqual(unhashed.evaluate('plain', context));
    }
  });

  it('turns a throwing lookupKey into an EXCEPTION error, and tries again next time', () => {
    let fail = true;
    const rules = createRuleset({
      flags: [flag],
      lookupKey: (key) => {
        if (fail) throw new Error('no hash');
        return lookupKey(key);
      },
    });
    expect(rules.evaluate('checkout', { key: 'ann' }, true).reason).toMatchObject({
      kind: 'ERROR',
      errorKind: 'EXCEPTION',
    });
    fail = false;
    expect(kind(rules, { key: 'ann' })).toBe('TARGET_MATCH');
  });
});
