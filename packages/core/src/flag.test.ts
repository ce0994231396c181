import { loadCases } from '@ensign/conformance';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRuleset } from './default-ruleset.js';
import { compileFlag, flagSource } from './flag.js';
import type { Clause, Flag, JsonValue, Serve } from './model.js';
import { allOperators } from './operators/all-operators.js';
import { compileSegment, segmentSource } from './segment.js';

// A compiled flag does not keep its input: getFlag rebuilds it. These tests check that what comes
// back equals what went in, and that the compiled form keeps the input only when it must.

const compiles = (compile: () => unknown) => {
  try {
    compile();
    return true;
  } catch {
    return false; // deliberately malformed conformance documents
  }
};

describe('flag and segment sources', () => {
  const cases = loadCases();
  const flags = [...new Map(cases.flatMap((c) => c.flags).map((f) => [JSON.stringify(f), f])).values()];
  const segments = [...new Map(cases.flatMap((c) => c.segments).map((s) => [JSON.stringify(s), s])).values()];

  it('rebuilds every flag of the conformance suite exactly, without keeping it', () => {
    const valid = flags.filter((f) => compiles(() => compileFlag(f, allOperators)));
    expect(valid.length).toBeGreaterThan(100);
    for (const raw of valid) {
      const compiled = compileFlag(raw, allOperators);
      expect(compiled.source).toBeUndefined();
      expect(flagSource(compiled)).toStrictEqual(raw);
    }
  });

  it('rebuilds every segment of the conformance suite exactly, without keeping it', () => {
    const valid = segments.filter((s) => compiles(() => compileSegment(s, allOperators)));
    expect(valid.length).toBeGreaterThan(10);
    for (const raw of valid) {
      const compiled = compileSegment(raw, allOperators);
      expect(compiled.source).toBeUndefined();
      expect(segmentSource(compiled)).toStrictEqual(raw);
    }
  });

  it('keeps a flag as given when it has members the compiled form does not hold', () => {
    const base: Flag = {
      key: 'f',
      version: 1,
      type: 'boolean',
      on: true,
      variations: [true, false],
      offVariation: 1,
      fallthrough: { variation: 0 },
    };
    const odd: unknown[] = [
      { ...base, name: 'Checkout' },
      { ...base, salt: undefined },
      { ...base, targets: [{ variation: 0, values: ['a', 'b', 'a'] }], extra: 1 },
      {
        ...base,
        rules: [
          {
            id: 'r',
            clauses: [{ attribute: 'a', op: 'exists', values: [], note: 'x' }],
            serve: { variation: 0 },
          },
        ],
      },
      { ...base, fallthrough: { variation: 0, rollout: undefined } },
    ];
    for (const raw of odd) {
      const compiled = compileFlag(raw, allOperators);
      expect(compiled.source).toBe(raw);
      expect(createRuleset({ flags: [raw] }).getFlag('f')).toBe(raw);
    }
  });

  it('keeps a segment as given when a hashed key list loses duplicates', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `user-${i % 19}`);
    const raw = { key: 's', version: 1, included: keys };
    expect(compileSegment(raw, allOperators).source).toBe(raw);
    expect(
      compileSegment({ key: 's', version: 1, included: keys.slice(0, 19) }, allOperators).source,
    ).toBeUndefined();
  });

  it('returns a new copy each time: changing it (or the input) changes nothing held', () => {
    const input: Flag = {
      key: 'f',
      version: 2,
      type: 'string',
      on: true,
      variations: ['a', 'b'],
      offVariation: 0,
      targets: [{ variation: 1, values: ['ann'] }],
      fallthrough: { variation: 0 },
    };
    const rules = createRuleset({ flags: [input] });
    input.targets![0]!.values.push('bob');
    const copy = rules.getFlag('f')!;
    expect(copy.targets).toEqual([{ variation: 1, values: ['ann'] }]);
    copy.variations[0] = 'z';
    expect(rules.getFlag('f')!.variations).toEqual(['a', 'b']);
    expect(rules.evaluate('f', { key: 'bob' }).value).toBe('a');
    expect(rules.evaluate('f', { key: 'ann' }).value).toBe('b');
  });

  // Any valid flag, with every optional member present or absent (explicit `false` included).
  const name = fc.string({ minLength: 1, maxLength: 12 });
  const pointer = fc
    .array(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('a/b', '~x', '~1', '')), {
      minLength: 1,
      maxLength: 3,
    })
    .map((steps) => steps.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join(''));
  const attribute = fc.oneof(
    fc.constantFrom('key', 'country', 'constructor', 'toString'),
    name.filter((s) => !s.startsWith('/')), // a name starting with "/" is a pointer
    pointer,
  );
  const optionalBool = fc.option(fc.boolean(), { nil: undefined });
  const clause: fc.Arbitrary<Clause> = fc
    .record({
      attribute,
      kind: fc.constantFrom(
        'in',
        'in-many',
        'in-mixed',
        'contains',
        'exists',
        'segmentMatch',
        'semverGt',
        'gte',
      ),
      strings: fc.array(fc.string({ maxLength: 8 }), { maxLength: 10 }),
      negate: optionalBool,
      caseInsensitive: optionalBool,
    })
    .map(({ attribute, kind, strings, negate, caseInsensitive }) => {
      const [op, values]: [Clause['op'], JsonValue[]] =
        kind === 'in'
          ? ['in', strings.slice(0, 8)]
          : kind === 'in-many'
            ? ['in', [...strings, 'x', 'y', 'z', 'w', 'v', 'u', 't', 's', 'r']]
            : kind === 'in-mixed'
              ? ['in', [1, true, 'a', -0.5]]
              : kind === 'contains'
                ? ['contains', strings]
                : kind === 'exists'
                  ? ['exists', [{ any: ['json', null] }, 3]]
                  : kind === 'segmentMatch'
                    ? ['segmentMatch', strings.filter((s) => s !== '')]
                    : kind === 'semverGt'
                      ? ['semverGt', ['1.2.3', '2.0.0-beta.1']]
                      : ['gte', [1, 2.5, -3]];
      return {
        attribute,
        op,
        values,
        ...(negate !== undefined && { negate }),
        ...(caseInsensitive !== undefined && { caseInsensitive }),
      };
    });
  const serve = (variations: number): fc.Arbitrary<Serve> =>
    fc.oneof(
      fc.nat({ max: variations - 1 }).map((variation) => ({ variation })),
      fc
        .record({
          cut: fc.array(fc.nat({ max: 100_000 }), { maxLength: 3 }),
          picks: fc.array(fc.nat({ max: variations - 1 }), { minLength: 4, maxLength: 4 }),
          bucketBy: fc.option(attribute, { nil: undefined }),
          seed: fc.option(fc.integer(), { nil: undefined }),
        })
        .map(({ cut, picks, bucketBy, seed }) => {
          const bounds = [...cut.sort((a, b) => a - b), 100_000];
          return {
            rollout: {
              ...(bucketBy !== undefined && { bucketBy }),
              ...(seed !== undefined && { seed }),
              variations: bounds.map((b, i) => ({ variation: picks[i]!, weight: b - (bounds[i - 1] ?? 0) })),
            },
          };
        }),
    );
  const flag: fc.Arbitrary<Flag> = fc
    .record({
      key: name,
      version: fc.nat(),
      type: fc.constantFrom('boolean', 'string', 'json'),
      on: fc.boolean(),
      count: fc.integer({ min: 1, max: 4 }),
      seed: fc.nat(),
    })
    .chain(({ key, version, type, on, count, seed }) => {
      const variations: JsonValue[] = Array.from({ length: count }, (_, i) =>
        type === 'boolean' ? i % 2 === seed % 2 : type === 'string' ? `v${i}` : { i, list: [i, 'x', null] },
      );
      if (type === 'boolean') variations.splice(2);
      const n = variations.length;
      return fc
        .record(
          {
            offVariation: fc.nat({ max: n - 1 }),
            targets: fc.array(
              fc.record({
                variation: fc.nat({ max: n - 1 }),
                values: fc.array(fc.oneof(fc.uuid(), fc.string({ maxLength: 5 })), { maxLength: 12 }),
              }),
              { maxLength: 3 },
            ),
            prerequisites: fc.array(
              fc.record({ key: name.map((k) => `p-${k}`), variation: fc.nat({ max: 3 }) }),
              { maxLength: 2 },
            ),
            rules: fc.uniqueArray(
              fc.record(
                {
                  id: name,
                  description: fc.string({ maxLength: 10 }),
                  clauses: fc.array(clause, { maxLength: 3 }),
                  serve: serve(n),
                },
                { requiredKeys: ['id', 'clauses', 'serve'] },
              ),
              { selector: (r) => r.id, maxLength: 4 },
            ),
            fallthrough: serve(n),
            salt: fc.oneof(fc.string({ maxLength: 6 }), fc.constant(key)),
            clientSide: fc.boolean(),
          },
          { requiredKeys: ['offVariation', 'fallthrough'] },
        )
        .map((rest) => ({ key, version, type, on, variations, ...rest }) as Flag);
    });

  it('rebuilds any valid flag exactly, keeping the input only for duplicate target keys', () => {
    fc.assert(
      fc.property(flag, (raw) => {
        const input = JSON.parse(JSON.stringify(raw)) as Flag;
        const compiled = compileFlag(input, allOperators);
        expect(flagSource(compiled)).toStrictEqual(input);
        const keys = (input.targets ?? []).flatMap((t) => t.values);
        const hashed = keys.length > 16;
        if (!hashed || new Set(keys).size === keys.length) expect(compiled.source).toBeUndefined();
        // The rebuilt flag compiles to the same thing.
        expect(flagSource(compileFlag(flagSource(compiled), allOperators))).toStrictEqual(input);
      }),
      { numRuns: 500 },
    );
  });
});
