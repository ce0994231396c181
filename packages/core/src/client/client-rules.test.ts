import { loadCases } from '@ensign/conformance';
import { describe, expect, it } from 'vitest';
import type { Evaluation, Flag, Segment } from '../model.js';
import { allOperators } from '../operators/all-operators.js';
import { basicOperators } from '../operators/basic-operators.js';
import { semverOperators } from '../operators/semver-operators.js';
import { createRulesetWith } from '../ruleset.js';
import { clientChecks, createClientRules } from './index.js';

/** What must agree with the compiled evaluator: everything but an ERROR's message. */
function comparable(e: Evaluation) {
  const { message: _, ...reason } = e.reason as { kind: string; message?: string };
  return { value: e.value, variation: e.variation, reason, flagVersion: e.flagVersion };
}

/**
 * Evaluates with both implementations (every operator) and expects the same results: with clientChecks
 * always, and without checks too when the compiled evaluator accepts every flag and segment.
 */
function expectSame(flags: unknown[], segments: unknown[], flagKey: string, context: unknown) {
  const compiled = createRulesetWith(allOperators, { flags, segments });
  const want = compiled.evaluate(flagKey, context);
  const init = { flags, segments, operators: allOperators };
  const got = createClientRules({ ...init, checks: clientChecks }).evaluate(flagKey, context);
  expect(comparable(got)).toEqual(comparable(want));
  if (compiled.problems().length === 0)
    expect(comparable(createClientRules(init).evaluate(flagKey, context))).toEqual(comparable(want));
  return got;
}

const boolFlag = (over: Partial<Flag> = {}): Flag => ({
  key: 'f',
  version: 7,
  type: 'boolean',
  on: true,
  variations: [false, true],
  offVariation: 0,
  fallthrough: { variation: 1 },
  ...over,
});

describe('createClientRules', () => {
  it('evaluates a rollout rule like the compiled evaluator, with reasons and the flag version', () => {
    const flag = boolFlag({
      salt: 'q3',
      rules: [
        {
          id: 'eu',
          clauses: [{ attribute: 'country', op: 'in', values: ['DE', 'FR', 'NL'] }],
          serve: {
            rollout: {
              variations: [
                { variation: 1, weight: 30_000 },
                { variation: 0, weight: 70_000 },
              ],
            },
          },
        },
      ],
    });
    const inRule = new Set<unknown>();
    for (let i = 0; i < 200; i++) {
      const r = expectSame([flag], [], 'f', { key: `user-${i}`, country: 'DE' });
      expect(r.reason).toMatchObject({ kind: 'RULE_MATCH', ruleIndex: 0, ruleId: 'eu', inRollout: true });
      inRule.add(r.value);
    }
    expect([...inRule].sort()).toEqual([false, true]);
    expect(expectSame([flag], [], 'f', { key: 'u', country: 'US' })).toEqual({
      value: true,
      variation: 1,
      reason: { kind: 'FALLTHROUGH', inRollout: false },
      flagVersion: 7,
    });
  });

  it('defaults to null, and serves the caller’s default on errors', () => {
    const rules = createClientRules({ flags: [boolFlag()] });
    expect(rules.evaluate('nope', {})).toMatchObject({
      value: null,
      variation: undefined,
      flagVersion: undefined,
    });
    expect(rules.evaluate('f', {}, 'd', 'string')).toMatchObject({
      value: 'd',
      reason: { kind: 'ERROR', errorKind: 'WRONG_TYPE' },
      flagVersion: 7,
    });
  });

  it('lists every flag held, malformed ones included, keyless ones not; a later duplicate wins', () => {
    const rules = createClientRules({
      flags: [
        boolFlag({ key: 'b' }),
        { key: 'bad' },
        null,
        5,
        'a',
        { key: '' },
        boolFlag({ key: 'b', version: 9 }),
      ],
    });
    expect(rules.flagKeys()).toEqual(['b', 'bad']);
    expect(rules.evaluate('b', {}).flagVersion).toBe(9);
    expect(rules.evaluate('bad', {}).reason).toMatchObject({ errorKind: 'MALFORMED_FLAG' });
  });

  it('does not throw when the lists are not arrays', () => {
    for (const list of [undefined, null, 5, 'flags', {}, { length: 2 }]) {
      const rules = createClientRules({ flags: list as never, segments: list as never });
      expect(rules.flagKeys()).toEqual([]);
      expect(rules.evaluate('f', {}).reason).toMatchObject({ errorKind: 'FLAG_NOT_FOUND' });
    }
  });
});

describe('operators from init.operators', () => {
  const semverFlag = boolFlag({
    key: 'sv',
    rules: [
      { id: 'r', clauses: [{ attribute: 'v', op: 'semverGte', values: ['2.0.0'] }], serve: { variation: 1 } },
    ],
    fallthrough: { variation: 0 },
  });

  it('a flag using an operator that was not supplied is MALFORMED_FLAG naming it; the others still work', () => {
    const rules = createClientRules({ flags: [semverFlag, boolFlag()] });
    const r = rules.evaluate('sv', { v: '2.1.0' }, false);
    expect(r).toMatchObject({
      value: false,
      variation: undefined,
      reason: { kind: 'ERROR', errorKind: 'MALFORMED_FLAG' },
    });
    expect((r.reason as { message: string }).message).toContain('semverGte');
    expect(rules.evaluate('f', {}).value).toBe(true);
  });

  it('with the operator supplied, the same flag object evaluates (checks are kept per operator set)', () => {
    // The same objects, first without, then with semverOperators, then without again.
    const flags = [semverFlag];
    expect(createClientRules({ flags }).evaluate('sv', { v: '2.1.0' }).reason).toMatchObject({
      kind: 'ERROR',
    });
    const rules = createClientRules({ flags, operators: semverOperators });
    expect(rules.evaluate('sv', { v: '2.1.0' }).reason).toMatchObject({ kind: 'RULE_MATCH', ruleId: 'r' });
    expect(rules.evaluate('sv', { v: '1.9.9' }).reason).toMatchObject({ kind: 'FALLTHROUGH' });
    expect(rules.evaluate('sv', { v: 'x' }).reason).toMatchObject({ kind: 'FALLTHROUGH' });
    expect(createClientRules({ flags }).evaluate('sv', { v: '2.1.0' }).reason).toMatchObject({
      kind: 'ERROR',
    });
  });

  it('an invalid value for a supplied operator is MALFORMED_FLAG with the operator’s own message (with checks)', () => {
    const flag = boolFlag({
      rules: [
        { id: 'r', clauses: [{ attribute: 'v', op: 'semverEq', values: ['1.x'] }], serve: { variation: 1 } },
      ],
    });
    const r = createClientRules({ flags: [flag], operators: semverOperators, checks: clientChecks }).evaluate(
      'f',
      {},
    );
    expect(r.reason).toMatchObject({
      errorKind: 'MALFORMED_FLAG',
      message: 'values[0]: invalid semantic version "1.x"',
    });
    // Without checks the payload is trusted (the server validated it with the same operators): an
    // invalid value that is reached is an EXCEPTION, still with the operator's message.
    const trusted = createClientRules({ flags: [flag], operators: semverOperators }).evaluate(
      'f',
      { v: '1.0.0' },
      false,
    );
    expect(trusted).toMatchObject({ value: false, variation: undefined, reason: { errorKind: 'EXCEPTION' } });
    expect((trusted.reason as { message: string }).message).toContain('invalid semantic version "1.x"');
  });

  it('with clientChecks and without operators, every conformance case equals the compiled evaluator with basicOperators', () => {
    const cases = loadCases();
    let named = 0;
    for (const c of cases) {
      const want = createRulesetWith(basicOperators, { flags: c.flags, segments: c.segments }).evaluate(
        c.flag,
        c.context,
        c.default as never,
        c.type,
      );
      const got = createClientRules({ flags: c.flags, segments: c.segments, checks: clientChecks }).evaluate(
        c.flag,
        c.context,
        c.default as never,
        c.type,
      );
      if (c.keyHashing !== undefined) continue; // plain mode here: lists would not match
      expect(comparable(got), c.id).toEqual(comparable(want));
      const message = (want.reason as { message?: string }).message ?? '';
      const op = /operator "(\w+)" is not available/.exec(message)?.[1];
      if (op !== undefined) {
        expect((got.reason as { message?: string }).message, c.id).toContain(op);
        named++;
      }
    }
    expect(named).toBeGreaterThan(100);
  });
});

describe('cycles and depth (64 flags and segments in evaluation at once)', () => {
  /** A chain of `n` flags f0 → f1 → … (each the prerequisite of the previous, all met). */
  const flagChain = (n: number): Flag[] =>
    Array.from({ length: n }, (_, i) =>
      boolFlag({ key: `f${i}`, ...(i + 1 < n && { prerequisites: [{ key: `f${i + 1}`, variation: 1 }] }) }),
    );
  /** A flag whose rule tests a chain of `n` segments s0 → s1 → … (the last contains everyone). */
  const segmentChain = (n: number): Segment[] =>
    Array.from({ length: n }, (_, i) => ({
      key: `s${i}`,
      version: 1,
      rules: [
        {
          clauses:
            i + 1 < n ? [{ attribute: 'key', op: 'segmentMatch' as const, values: [`s${i + 1}`] }] : [],
        },
      ],
    }));
  const segmentFlag = boolFlag({
    key: 'top',
    rules: [
      {
        id: 'r',
        clauses: [{ attribute: 'key', op: 'segmentMatch', values: ['s0'] }],
        serve: { variation: 0 },
      },
    ],
  });

  for (const n of [63, 64, 65]) {
    it(`a chain of ${n} prerequisite flags`, () => {
      const r = expectSame(flagChain(n), [], 'f0', { key: 'u' });
      expect(r.reason.kind).toBe(n <= 64 ? 'FALLTHROUGH' : 'ERROR');
    });
    it(`a flag and a chain of ${n - 1} segments (${n} in all)`, () => {
      const r = expectSame([segmentFlag], segmentChain(n - 1), 'top', { key: 'u' });
      expect(r.reason.kind).toBe(n <= 64 ? 'RULE_MATCH' : 'ERROR');
    });
    it(`${n - 10} flags, then 10 segments`, () => {
      const flags = flagChain(n - 10);
      const last = flags[flags.length - 1]!;
      last.rules = [
        {
          id: 'r',
          clauses: [{ attribute: 'key', op: 'segmentMatch', values: ['s0'] }],
          serve: { variation: 1 },
        },
      ];
      const r = expectSame(flags, segmentChain(10), 'f0', { key: 'u' });
      expect(r.reason.kind).toBe(n <= 64 ? 'FALLTHROUGH' : 'ERROR');
    });
  }

  it('a prerequisite cycle, and one behind an off flag (not reached)', () => {
    const a = boolFlag({ key: 'a', prerequisites: [{ key: 'b', variation: 1 }] });
    const b = boolFlag({ key: 'b', prerequisites: [{ key: 'a', variation: 1 }] });
    expect(expectSame([a, b], [], 'a', {}).reason).toMatchObject({ errorKind: 'MALFORMED_FLAG' });
    expect(expectSame([a, { ...b, on: false }], [], 'a', {}).reason).toMatchObject({
      kind: 'PREREQUISITE_FAILED',
    });
  });
});

describe('malformed inputs beyond the conformance suite, as the compiled evaluator judges them', () => {
  const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)]);
  const jsonFlag = (value: unknown) => ({ ...boolFlag(), type: 'json', variations: [value, null] });

  for (const depth of [63, 64, 65, 66]) {
    it(`a json variation nested ${depth} deep`, () => {
      expectSame([jsonFlag(nested(depth))], [], 'f', {});
    });
  }

  it('non-finite numbers, non-plain objects, cycles and undefined in variations', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const v of [
      [Number.POSITIVE_INFINITY],
      { a: Number.NaN },
      new Date(0),
      new Map(),
      Object.create(null),
      { a: undefined },
      [undefined],
      cyclic,
      () => 1,
      10n,
    ]) {
      const r = expectSame([jsonFlag(v)], [], 'f', {});
      const plain = typeof v === 'object' && Object.getPrototypeOf(v) === null;
      expect(r.reason.kind).toBe(plain ? 'FALLTHROUGH' : 'ERROR');
    }
  });

  it('clause values the operator does not take', () => {
    const withClause = (op: string, values: unknown[]) =>
      boolFlag({
        rules: [
          {
            id: 'r',
            clauses: [{ attribute: 'a', op: op as never, values: values as never }],
            serve: { variation: 0 },
          },
        ],
      });
    for (const [op, values] of [
      ['segmentMatch', ['']],
      ['segmentMatch', [1]],
      ['in', [Number.NaN]],
      ['in', [null]],
      ['lt', [Number.POSITIVE_INFINITY]],
      ['contains', [1]],
      ['exists', [null, {}]],
    ] as const) {
      const r = expectSame([withClause(op, [...values])], [], 'f', { a: 'x' });
      expect(r.reason.kind, `${op} ${JSON.stringify(values)}`).toBe(op === 'exists' ? 'RULE_MATCH' : 'ERROR');
    }
  });

  it('members that are null are present and of the wrong type', () => {
    for (const over of [
      { salt: null },
      { clientSide: null },
      { targets: null },
      { rules: null },
      { prerequisites: null },
    ]) {
      expect(expectSame([{ ...boolFlag(), ...over }], [], 'f', {}).reason).toMatchObject({
        errorKind: 'MALFORMED_FLAG',
      });
    }
  });
});

describe('hostile input never makes evaluate throw', () => {
  const flag = boolFlag({
    rules: [
      { id: 'a', clauses: [{ attribute: '/deep/0/x', op: 'in', values: ['y'] }], serve: { variation: 0 } },
      { id: 'b', clauses: [{ attribute: 'tags', op: 'contains', values: ['z'] }], serve: { variation: 0 } },
      { id: 'c', clauses: [{ attribute: '__proto__', op: 'exists', values: [] }], serve: { variation: 0 } },
    ],
  });
  const rules = createClientRules({ flags: [flag], operators: allOperators });

  it('contexts that are not objects', () => {
    for (const ctx of [null, undefined, [], 'u', 5, true, Symbol('s'), () => 1]) {
      expect(rules.evaluate('f', ctx).reason).toMatchObject({ errorKind: 'INVALID_CONTEXT' });
    }
  });

  it('throwing getters and proxies: EXCEPTION, as in the compiled evaluator', () => {
    const getter = Object.defineProperty({}, 'key', {
      get() {
        throw new Error('boom');
      },
    });
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        getOwnPropertyDescriptor() {
          throw new Error('trap');
        },
      },
    );
    for (const ctx of [getter, trap, { key: 'u', deep: trap }]) {
      expect(comparable(rules.evaluate('f', ctx))).toEqual(
        comparable(createRulesetWith(allOperators, { flags: [flag] }).evaluate('f', ctx)),
      );
      expect(rules.evaluate('f', ctx).reason).toMatchObject({ kind: 'ERROR', errorKind: 'EXCEPTION' });
    }
  });

  it('huge arrays, prototype keys and cyclic contexts', () => {
    const cyclic: Record<string, unknown> = { key: 'u' };
    cyclic.deep = [cyclic];
    const contexts = [
      { key: 'u', tags: Array.from({ length: 1_000_000 }, (_, i) => `t${i}`) },
      JSON.parse('{"__proto__": {"x": 1}, "key": "u", "deep": [{"x": "y"}]}'),
      { constructor: 1, toString: 2, hasOwnProperty: 3 },
      cyclic,
    ];
    for (const ctx of contexts) expectSame([flag], [], 'f', ctx);
    expect(rules.evaluate('f', contexts[1]).reason).toMatchObject({ kind: 'RULE_MATCH', ruleId: 'a' });
  });

  it('prototype names as flag, segment, rule and operator names', () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    const flags = names.map((key) =>
      boolFlag({
        key,
        rules: [
          {
            id: key,
            clauses: [{ attribute: key, op: 'segmentMatch', values: names }],
            serve: { variation: 0 },
          },
        ],
      }),
    );
    const segments = names.map((key) => ({ key, version: 1, included: ['u'] }));
    for (const key of names) {
      const r = expectSame(flags, segments, key, { key: 'u' });
      expect(r.reason).toMatchObject({ kind: 'RULE_MATCH', ruleId: key });
      expectSame(flags, segments, key, { key: 'v' });
    }
    const opFlag = boolFlag({
      rules: [
        {
          id: 'r',
          clauses: [{ attribute: 'a', op: 'toString' as never, values: [] }],
          serve: { variation: 0 },
        },
      ],
    });
    expect(expectSame([opFlag], [], 'f', {}).reason).toMatchObject({ errorKind: 'MALFORMED_FLAG' });
  });

  it('does not modify the payload (deep-frozen input evaluates)', () => {
    const deepFreeze = <T>(o: T): T => {
      if (typeof o === 'object' && o !== null) for (const v of Object.values(o)) deepFreeze(v);
      return Object.freeze(o);
    };
    const frozen = deepFreeze(
      JSON.parse(JSON.stringify(loadCases().find((c) => c.file === 'segments.json')!)) as {
        flags: unknown[];
        segments: unknown[];
      },
    );
    const r = createClientRules({ flags: frozen.flags, segments: frozen.segments, operators: allOperators });
    for (const key of r.flagKeys()) expect(() => r.evaluate(key, { key: 'u1', country: 'DE' })).not.toThrow();
  });
});

describe('without checks (the payload trusted)', () => {
  const rules = (flags: unknown[], segments: unknown[] = []) =>
    createClientRules({ flags, segments, operators: allOperators });

  it('an index that is not one of the variations is MALFORMED_FLAG, never a served value', () => {
    for (const bad of [2, -1, 1.5, '1', null, undefined, Number.NaN, 2 ** 32]) {
      for (const over of [
        { fallthrough: { variation: bad } },
        { on: false, offVariation: bad },
        { targets: [{ variation: bad, values: ['u'] }] },
        { fallthrough: { rollout: { variations: [{ variation: bad, weight: 100_000 }] } } },
      ]) {
        const r = rules([boolFlag(over as Partial<Flag>)]).evaluate('f', { key: 'u' }, 'd');
        expect(r, `${JSON.stringify(over)} ${String(bad)}`).toEqual({
          value: 'd',
          variation: undefined,
          reason: { kind: 'ERROR', errorKind: 'MALFORMED_FLAG', message: 'variation' },
          flagVersion: 7,
        });
      }
    }
  });

  it('garbage in every member never throws: an ERROR or one of the variations', () => {
    const junk = [null, 0, 1, -1, 'x', true, {}, [], [null], [{}], { variations: 1 }];
    const members = ['on', 'variations', 'offVariation', 'prerequisites', 'targets', 'rules', 'fallthrough'];
    const segmentFlag = boolFlag({
      rules: [
        {
          id: 'r',
          clauses: [{ attribute: 'key', op: 'segmentMatch', values: ['s'] }],
          serve: { variation: 0 },
        },
      ],
    });
    let errors = 0;
    for (const member of members) {
      for (const v of junk) {
        for (const [flags, segments] of [
          [[{ ...boolFlag(), [member]: v }], []],
          [[segmentFlag], [{ key: 's', version: 1, [member === 'on' ? 'included' : 'rules']: v }]],
        ] as const) {
          const f = flags[0] as { variations: unknown };
          const r = rules([...flags], [...segments]).evaluate('f', { key: 'u' }, 'd');
          if (r.reason.kind === 'ERROR') {
            expect([r.value, r.variation]).toEqual(['d', undefined]);
            errors++;
          } else {
            expect(Array.isArray(f.variations) && (f.variations as unknown[])[r.variation!] === r.value).toBe(
              true,
            );
          }
        }
      }
    }
    expect(errors).toBeGreaterThan(30);
  });

  it('an operator that was not supplied is reported when a clause using it is reached', () => {
    const flag = boolFlag({
      rules: [
        { id: 'a', clauses: [{ attribute: 'x', op: 'in', values: [1] }], serve: { variation: 0 } },
        {
          id: 'b',
          clauses: [{ attribute: 'v', op: 'semverGt', values: ['1.0.0'] }],
          serve: { variation: 0 },
        },
      ],
    });
    const lean = createClientRules({ flags: [flag] });
    expect(lean.evaluate('f', { x: 1 }).reason).toMatchObject({ kind: 'RULE_MATCH', ruleId: 'a' });
    expect(lean.evaluate('f', { v: '2.0.0' }).reason).toMatchObject({
      errorKind: 'MALFORMED_FLAG',
      message: 'no operator semverGt',
    });
    expect(
      createClientRules({ flags: [flag], checks: clientChecks }).evaluate('f', { x: 1 }).reason,
    ).toMatchObject({
      errorKind: 'MALFORMED_FLAG',
      message: 'no operator semverGt',
    });
  });
});
