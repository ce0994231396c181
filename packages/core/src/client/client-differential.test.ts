import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashContextKey as referenceHash } from '../key-hash.js';
import type { Evaluation, FlagType } from '../model.js';
import { allOperators } from '../operators/all-operators.js';
import { createRulesetWith } from '../ruleset.js';
import { clientChecks, createClientRules } from './index.js';

// Differential test: random environments (valid, and subtly invalid in one member or another) and
// contexts, evaluated by the compiled evaluator (createRulesetWith) and by the client interpreter, must
// give the same value, variation, reason (messages aside) and flagVersion: always with clientChecks,
// and without checks whenever the compiled evaluator accepts every flag and segment. Without checks, a
// malformed environment must still give an ERROR (the default, no variation) or one of the flag's
// variations.

const FLAG_KEYS = ['a', 'b', 'c', 'd'];
const SEGMENT_KEYS = ['s1', 's2', 's3'];
const CONTEXT_KEYS = ['u1', 'u2', 'İx', ''];
const SALT = 'salt-1';

/** Rarely (1 in `1 + weight`), something that is not what the member should be. */
function junk(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(null, -1, 0.5, 1.5, 100001, 2 ** 53, '', 'x', '1', true, false, Number.POSITIVE_INFINITY),
    fc.constant(0).map(() => ({})),
    fc.constant(0).map(() => []),
    fc.constant(0).map(() => [null]),
  );
}
const or = <T>(valid: fc.Arbitrary<T>, weight = 150): fc.Arbitrary<unknown> =>
  fc.oneof({ weight, arbitrary: valid }, { weight: 1, arbitrary: junk() });

/** A record whose `optional` members are sometimes absent, and now and then missing another member. */
function obj(members: Record<string, fc.Arbitrary<unknown>>, optional: string[] = []): fc.Arbitrary<object> {
  const record = fc.record(
    Object.fromEntries(
      Object.entries(members).map(([k, a]) => [
        k,
        optional.includes(k) ? fc.option(a, { nil: undefined, freq: 3 }) : a,
      ]),
    ),
  );
  const drop = fc.oneof(
    { weight: 150, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(...Object.keys(members)) },
  );
  return fc.tuple(record, drop).map(([r, dropped]) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (v !== undefined && k !== dropped) out[k] = v;
    return out;
  });
}

// Attribute values: the strings each operator family reads, numbers, booleans, arrays, objects.
const SCALARS = [
  'DE',
  'de',
  'FR',
  'İ',
  'i̇',
  'ß',
  '',
  'x@example.com',
  '1.2.3',
  '2',
  '1.2.3-beta',
  '10.1.2.3',
  '::ffff:10.0.0.1',
  '2001:db8::1',
  '2024-01-01',
  '2024-01-01T00:00:00Z',
  'u1',
  '5',
  0,
  -0,
  1,
  5,
  1.5,
  -7,
  1e21,
  1700000000000,
  2 ** 53,
  true,
  false,
];
const scalar = fc.constantFrom(...SCALARS);
const attributeValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: scalar },
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 2,
    arbitrary: fc.array(fc.oneof(scalar, fc.constant(null), fc.array(scalar, { maxLength: 2 })), {
      maxLength: 3,
    }),
  },
  { weight: 1, arbitrary: fc.record({ city: scalar, tags: fc.array(scalar, { maxLength: 2 }) }) },
);

const ATTRIBUTES = [
  'country',
  'plan',
  'n',
  'tags',
  'key',
  'constructor',
  '__proto__',
  'toString',
  'a~b',
  '/addr/city',
  '/tags/0',
  '/tags/01',
  '/addr/tags/1',
  '/a~1b',
  '/',
];
const attribute = or(fc.constantFrom(...ATTRIBUTES));

/** Contexts: own members only (also `__proto__`, as JSON.parse makes it), and sometimes not an object. */
const context: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc
      .tuple(
        fc.oneof(
          { weight: 12, arbitrary: fc.constantFrom(...CONTEXT_KEYS) },
          { weight: 2, arbitrary: fc.constant(undefined) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(null, 5),
          },
        ),
        fc.array(
          fc.tuple(
            fc.constantFrom(
              'country',
              'plan',
              'n',
              'tags',
              'addr',
              'constructor',
              '__proto__',
              'toString',
              'a/b',
              'a~b',
              '',
            ),
            attributeValue,
          ),
          { maxLength: 5 },
        ),
      )
      .map(([key, members]) => {
        const ctx: Record<string, unknown> = {};
        const define = (k: string, v: unknown) =>
          Object.defineProperty(ctx, k, { value: v, enumerable: true, writable: true, configurable: true });
        for (const [k, v] of members) define(k, v);
        if (key !== undefined) define('key', key);
        return ctx;
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom(null, [], 'u1', 5) },
);

// Clause values by operator (a pool each); rarely one from another pool or an invalid one.
const VALUES: Record<string, unknown[]> = {
  in: ['DE', 'de', 'FR', 'İ', 1, 0, -0, 5, true, false, '5', 'u1'],
  text: ['D', 'e', '', 'İ', 'I', '@example.com', 'x'],
  matches: ['^D', 'e$', '[a-z]+@', '.', 'İ', '^\\d+$'],
  order: [0, 1, 5, -1.5, 1e21, 1700000000000],
  date: ['2024-01-01', '2023-06-01T12:00:00+02:00', 0, 1700000000000],
  semver: ['1.0.0', '2', '1.2.3-beta', '1.2.3'],
  cidr: ['10.0.0.0/8', '::/0', '10.1.2.3', '2001:db8::/32'],
  segment: [...SEGMENT_KEYS, 's-missing'],
};
const INVALID_VALUES = ['(', 'tomorrow', 'v1', 'bad', '10.0.0.0/33', '', null, {}, [1]];
const POOL_OF: Record<string, string> = {
  in: 'in',
  contains: 'text',
  startsWith: 'text',
  endsWith: 'text',
  matches: 'matches',
  lt: 'order',
  lte: 'order',
  gt: 'order',
  gte: 'order',
  before: 'date',
  after: 'date',
  semverEq: 'semver',
  semverLt: 'semver',
  semverLte: 'semver',
  semverGt: 'semver',
  semverGte: 'semver',
  cidr: 'cidr',
  exists: 'in',
  segmentMatch: 'segment',
};
const ALL_VALUES = [...Object.values(VALUES).flat(), ...INVALID_VALUES];

const clause = fc
  .oneof(
    { weight: 60, arbitrary: fc.constantFrom(...Object.keys(POOL_OF)) },
    { weight: 1, arbitrary: fc.constantFrom('equals', 'IN', 'toString', '__proto__') },
  )
  .chain((op) =>
    obj(
      {
        attribute,
        op: or(fc.constant(op), 80),
        values: or(
          fc.array(
            fc.oneof(
              {
                weight: 40,
                arbitrary: fc.constantFrom(...VALUES[Object.hasOwn(POOL_OF, op) ? POOL_OF[op]! : 'in']!),
              },
              { weight: 1, arbitrary: fc.constantFrom(...ALL_VALUES) },
            ),
            { maxLength: 3 },
          ),
        ),
        negate: or(fc.boolean()),
        caseInsensitive: or(fc.boolean()),
      },
      ['negate', 'caseInsensitive'],
    ),
  );
const clauses = or(fc.array(clause, { maxLength: 3 }), 60);

const bucketBy = or(fc.constantFrom('key', 'n', 'country', '/addr/city', 'tags', 'constructor'));

/** Slices whose weights sum to 100,000 (a split of the range), now and then one weight off. */
const slices = (variations: number) =>
  fc
    .tuple(
      fc
        .uniqueArray(fc.integer({ min: 0, max: 100_000 }), { maxLength: 3 })
        .map((cuts) => cuts.sort((x, y) => x - y)),
      fc.array(fc.nat(variations), { minLength: 4, maxLength: 4 }),
      fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, -1),
    )
    .map(([cuts, picks, off]) => {
      const bounds = [...cuts, 100_000];
      return bounds.map((b, i) => ({
        variation: picks[i]!,
        weight: b - (i === 0 ? 0 : bounds[i - 1]!) + (i === bounds.length - 1 ? off : 0),
      }));
    });

const serve = (variations: number) =>
  fc.oneof(
    { weight: 60, arbitrary: obj({ variation: or(fc.nat(variations)) }) },
    {
      weight: 40,
      arbitrary: obj(
        {
          rollout: or(
            obj(
              {
                variations: or(slices(variations)),
                bucketBy,
                seed: or(fc.constantFrom(42, -7, 0, -0, 2 ** 53 - 1)),
              },
              ['bucketBy', 'seed'],
            ),
          ),
        },
        [],
      ),
    },
    { weight: 1, arbitrary: fc.constant(0).map(() => ({ variation: 0, rollout: null })) },
  );

const TYPED_VARIATIONS: Record<string, unknown[][]> = {
  boolean: [[false, true]],
  string: [['a', 'b', 'c']],
  number: [[0, 1, 2.5]],
  json: [
    [{ a: [1] }, [1, 'x'], null],
    [{ __proto__: null, k: 1 }, 'x'],
  ],
};

const keyList = (hashing: boolean) =>
  fc.array(
    or(
      fc.constantFrom(...CONTEXT_KEYS, ...(hashing ? CONTEXT_KEYS.map((k) => referenceHash(SALT, k)) : [])),
      60,
    ),
    { maxLength: 3 },
  );

const flag = (key: string, hashing: boolean) =>
  fc.constantFrom('boolean', 'string', 'number', 'json').chain((type) => {
    const variations = fc.constantFrom(...(TYPED_VARIATIONS[type] ?? []));
    return variations.chain((vs) =>
      obj(
        {
          key: or(fc.constant(key), 200),
          version: or(fc.nat(5)),
          type: or(fc.constant(type)),
          on: or(fc.constantFrom(true, true, true, false)),
          variations: or(fc.constant(vs).map((v) => [...v])),
          offVariation: or(fc.nat(vs.length - 1)),
          salt: or(fc.constantFrom('', 's', 'ß')),
          clientSide: or(fc.boolean()),
          prerequisites: fc.oneof(
            { weight: 3, arbitrary: fc.constant(undefined) },
            {
              weight: 1,
              arbitrary: or(
                fc.array(
                  obj({
                    key: or(fc.constantFrom(...FLAG_KEYS, ...FLAG_KEYS, 'missing')),
                    variation: or(fc.nat(2)),
                  }),
                  {
                    maxLength: 2,
                  },
                ),
              ),
            },
          ),
          targets: or(
            fc.array(obj({ variation: or(fc.nat(vs.length - 1)), values: or(keyList(hashing)) }), {
              maxLength: 2,
            }),
          ),
          rules: or(
            fc
              .array(
                obj(
                  {
                    // Made unique below, except "dup", which repeats the first rule's id.
                    id: or(
                      fc.oneof(
                        { weight: 40, arbitrary: fc.constant('fresh') },
                        { weight: 1, arbitrary: fc.constant('dup') },
                      ),
                    ),
                    description: or(fc.constant('d')),
                    clauses,
                    serve: serve(vs.length - 1),
                  },
                  ['description'],
                ),
                { maxLength: 4 },
              )
              .map((rules) =>
                rules.map((r, i) => {
                  const id = (r as { id?: unknown }).id;
                  return id === 'fresh' ? { ...r, id: `r${i}` } : id === 'dup' ? { ...r, id: 'r0' } : r;
                }),
              ),
          ),
          fallthrough: serve(vs.length - 1),
        },
        ['salt', 'clientSide', 'prerequisites', 'targets', 'rules'],
      ),
    );
  });

const segment = (key: string, hashing: boolean) =>
  obj(
    {
      key: or(fc.constant(key), 200),
      version: or(fc.nat(5)),
      salt: or(fc.constantFrom('', 'x')),
      included: or(keyList(hashing)),
      excluded: or(keyList(hashing)),
      rules: or(
        fc.array(
          obj(
            {
              id: or(fc.constantFrom('a', '')),
              clauses,
              weight: or(fc.constantFrom(0, 1, 50_000, 99_999, 100_000)),
              bucketBy,
            },
            ['id', 'clauses', 'weight', 'bucketBy'],
          ),
          { maxLength: 3 },
        ),
      ),
    },
    ['salt', 'included', 'excluded', 'rules'],
  );

const environment = fc.boolean().chain((hashing) =>
  fc.record({
    hashing: fc.constant(hashing),
    flags: fc
      .tuple(...FLAG_KEYS.map((k) => flag(k, hashing)))
      // Sometimes a duplicate key (the later one wins) or an entry without a usable key.
      .chain((fs) => fc.constantFrom(fs, fs, fs, [...fs, null, { key: '' }], [...fs, fs[0]])),
    segments: fc.tuple(...SEGMENT_KEYS.map((k) => segment(k, hashing))),
    contexts: fc.array(context, { minLength: 1, maxLength: 4 }),
    type: fc.constantFrom<FlagType>('boolean', 'string', 'number', 'json'),
    fallback: fc.constantFrom(null, false, 'dflt', 0),
  }),
);

/** What must agree: everything but the message of an ERROR. */
function comparable(e: Evaluation) {
  const { message: _, ...reason } = e.reason as { kind: string; errorKind?: string; message?: string };
  return { value: e.value, variation: e.variation, reason, flagVersion: e.flagVersion };
}

describe('the client interpreter against the compiled evaluator', () => {
  it('gives the same results for random environments and contexts (3,000 runs)', () => {
    let evaluations = 0;
    let validEnvironments = 0;
    let trustedEvaluations = 0;
    const validKinds = new Map<string, number>();
    const kinds = new Map<string, number>();
    fc.assert(
      fc.property(environment, ({ hashing, flags, segments, contexts, type, fallback }) => {
        const compiled = createRulesetWith(allOperators, {
          flags,
          segments,
          ...(hashing && { lookupKey: (k: string) => referenceHash(SALT, k) }),
        });
        const init = {
          flags,
          segments,
          operators: allOperators,
          ...(hashing && { keyHashing: { salt: SALT } }),
        };
        const client = createClientRules({ ...init, checks: clientChecks });
        const trusting = createClientRules(init);
        // The same environment without the flags and segments the compiled evaluator rejects (by key)
        // and without keyless entries: valid, so evaluated without checks it must give the same results.
        const problems = compiled.problems();
        const prune = (list: unknown[], kind: string) =>
          list.filter((e) => {
            const k = (e as { key?: unknown } | null)?.key;
            return typeof k === 'string' && k !== '' && !problems.some((p) => p.kind === kind && p.key === k);
          });
        const validInit = { ...init, flags: prune(flags, 'flag'), segments: prune(segments, 'segment') };
        const validCompiled = createRulesetWith(allOperators, {
          ...validInit,
          ...(hashing && { lookupKey: (k: string) => referenceHash(SALT, k) }),
        });
        expect(validCompiled.problems()).toEqual([]);
        const validTrusting = createClientRules(validInit);
        if (problems.length === 0) validEnvironments++;
        expect(client.flagKeys().sort()).toEqual(compiled.flagKeys().sort());
        expect(trusting.flagKeys().sort()).toEqual(compiled.flagKeys().sort());
        for (const ctx of contexts) {
          for (const key of [...FLAG_KEYS, 'missing']) {
            // Untyped, and typed (WRONG_TYPE for flags of the other types).
            for (const t of [undefined, type]) {
              const want = comparable(compiled.evaluate(key, ctx, fallback, t));
              expect(comparable(client.evaluate(key, ctx, fallback, t))).toEqual(want);
              const validWant = comparable(validCompiled.evaluate(key, ctx, fallback, t));
              expect(comparable(validTrusting.evaluate(key, ctx, fallback, t))).toEqual(validWant);
              trustedEvaluations++;
              const validKind = validWant.reason.errorKind ?? validWant.reason.kind;
              validKinds.set(validKind, (validKinds.get(validKind) ?? 0) + 1);
              const got = comparable(trusting.evaluate(key, ctx, fallback, t));
              if (problems.length === 0) {
                expect(got).toEqual(want);
              } else if (got.reason.kind === 'ERROR') {
                expect([got.value, got.variation]).toEqual([fallback, undefined]);
              } else {
                const flag = [...(flags as { key?: unknown; variations?: unknown }[])]
                  .reverse()
                  .find((f) => f?.key === key);
                expect(Array.isArray(flag?.variations) && Number.isInteger(got.variation)).toBe(true);
                expect((flag!.variations as unknown[])[got.variation!]).toBe(got.value);
              }
              evaluations++;
              const kind = want.reason.errorKind ?? want.reason.kind;
              kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
            }
          }
        }
      }),
      { numRuns: 3_000, seed: Number(process.env.DIFF_SEED ?? 20_251_206) },
    );
    // The generator must reach every outcome, or the comparison proves little.
    for (const k of [
      'OFF',
      'TARGET_MATCH',
      'RULE_MATCH',
      'PREREQUISITE_FAILED',
      'FALLTHROUGH',
      'FLAG_NOT_FOUND',
      'MALFORMED_FLAG',
      'WRONG_TYPE',
      'INVALID_CONTEXT',
      'TARGETING_KEY_MISSING',
    ]) {
      expect(kinds.get(k), k).toBeGreaterThan(200);
      // Valid environments reach MALFORMED_FLAG through cycles only.
      expect(validKinds.get(k), `${k} (valid environments)`).toBeGreaterThan(
        k === 'MALFORMED_FLAG' ? 5 : 200,
      );
    }
    expect(evaluations).toBeGreaterThan(50_000);
    // Enough valid environments for the comparison without checks to mean something.
    expect(validEnvironments).toBeGreaterThan(200);
    expect(trustedEvaluations).toBeGreaterThan(50_000);
    console.info(
      `${evaluations} evaluations; ${validEnvironments} wholly valid environments; ${trustedEvaluations} evaluations of pruned environments without checks`,
    );
  }, 120_000);
});
