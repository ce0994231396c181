import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BUCKETING_FILE,
  CASES_DIR,
  type ConformanceCase,
  caseFileNames,
  checkResult,
  jsonEqual,
  KEY_HASHING_FILE,
  loadBucketVectors,
  loadCases,
  loadKeyHashVectors,
  parseCaseFile,
} from './index.js';

// Keep in sync with `Operator`, `Reason` and `ErrorKind` in packages/core/src/model.ts (this package
// depends on nothing, so the lists are repeated here).
const OPERATORS = [
  'in',
  'contains',
  'startsWith',
  'endsWith',
  'matches',
  'lt',
  'lte',
  'gt',
  'gte',
  'before',
  'after',
  'semverEq',
  'semverLt',
  'semverLte',
  'semverGt',
  'semverGte',
  'cidr',
  'exists',
  'segmentMatch',
] as const;
const REASON_KINDS = ['OFF', 'TARGET_MATCH', 'RULE_MATCH', 'PREREQUISITE_FAILED', 'FALLTHROUGH', 'ERROR'];
const ERROR_KINDS = [
  'FLAG_NOT_FOUND',
  'MALFORMED_FLAG',
  'WRONG_TYPE',
  'INVALID_CONTEXT',
  'TARGETING_KEY_MISSING',
  'CLIENT_NOT_READY',
  'EXCEPTION',
];
/** The SDK-level errors that an evaluation of a case file cannot produce. */
const ERROR_KINDS_NOT_COVERED = ['CLIENT_NOT_READY', 'EXCEPTION'];
/** The fields of each reason kind (docs/evaluation.md, model.ts `Reason`); ERROR's message is optional. */
const REASON_FIELDS: Record<string, string[]> = {
  OFF: ['kind'],
  TARGET_MATCH: ['kind'],
  RULE_MATCH: ['kind', 'ruleIndex', 'ruleId', 'inRollout'],
  PREREQUISITE_FAILED: ['kind', 'prerequisiteKey'],
  FALLTHROUGH: ['kind', 'inRollout'],
  ERROR: ['kind', 'errorKind'],
};
const CASE_INSENSITIVE_OPERATORS = ['in', 'contains', 'startsWith', 'endsWith', 'matches'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const cases = loadCases();
const vectors = loadBucketVectors();
const keyHashVectors = loadKeyHashVectors();

/** docs/evaluation.md §9, with node:crypto. */
const keyHash = (salt: string, key: string): string =>
  createHash('sha256').update(`${salt}:${key}`, 'utf8').digest().subarray(0, 16).toString('base64url');

function flagsByKey(c: ConformanceCase): Map<string, Json> {
  const map = new Map<string, Json>();
  for (const f of c.flags) if (isObject(f) && typeof f.key === 'string') map.set(f.key, f);
  return map;
}

/** Every clause object in a flag or segment (anything with `op` inside a `clauses` array). */
function clausesOf(entity: unknown): Json[] {
  const out: Json[] = [];
  const walk = (v: unknown, inClauses: boolean): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x, inClauses);
    } else if (isObject(v)) {
      if (inClauses && 'op' in v) out.push(v);
      for (const [k, x] of Object.entries(v)) walk(x, k === 'clauses');
    }
  };
  walk(entity, false);
  return out;
}

/**
 * The single clause of a flag built as "rule r1 with one clause serves variation 1, fallthrough
 * variation 0": the shape of the operator files' flags.
 */
function singleClause(flag: Json | undefined): Json | undefined {
  const rules = flag?.rules;
  if (!Array.isArray(rules) || rules.length !== 1 || !isObject(rules[0])) return undefined;
  const clauses = rules[0].clauses;
  if (!Array.isArray(clauses) || clauses.length !== 1 || !isObject(clauses[0])) return undefined;
  return clauses[0];
}

describe('case set', () => {
  it('has at least 330 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(330);
  });

  it('has unique ids of the form "file › name"', () => {
    const ids = cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of cases) expect(c.id).toBe(`${c.file} › ${c.name}`);
  });

  it('has unique flag keys within each file', () => {
    for (const file of caseFileNames()) {
      const data = JSON.parse(readFileSync(join(CASES_DIR, file), 'utf8')) as Json;
      const keys = (data.flags as unknown[]).flatMap((f) =>
        isObject(f) && typeof f.key === 'string' ? [f.key] : [],
      );
      expect(new Set(keys).size, file).toBe(keys.length);
    }
  });

  it('only refers to flags of its own file, except deliberate FLAG_NOT_FOUND cases', () => {
    for (const c of cases) {
      const found = flagsByKey(c).has(c.flag);
      const { kind, errorKind } = c.expect.reason;
      if (errorKind === 'FLAG_NOT_FOUND') expect(found, c.id).toBe(false);
      // A missing flag must be a FLAG_NOT_FOUND case, or an invalid context that is reported first.
      if (!found)
        expect(
          kind === 'ERROR' && ['FLAG_NOT_FOUND', 'INVALID_CONTEXT'].includes(String(errorKind)),
          c.id,
        ).toBe(true);
    }
  });

  it('serves the default with variation null on ERROR, and only then', () => {
    for (const c of cases) {
      if (c.expect.reason.kind === 'ERROR') {
        expect(jsonEqual(c.expect.value, c.default), c.id).toBe(true);
        expect(c.expect.variation, c.id).toBeNull();
      } else {
        expect(Number.isInteger(c.expect.variation), c.id).toBe(true);
      }
    }
  });

  it('writes every reason with exactly the fields of its kind', () => {
    for (const c of cases) {
      const r = c.expect.reason;
      const fields = REASON_FIELDS[String(r.kind)];
      expect(fields, c.id).toBeDefined();
      expect(Object.keys(r).sort(), c.id).toEqual([...(fields ?? [])].sort());
      if (r.kind === 'ERROR') expect(ERROR_KINDS, c.id).toContain(r.errorKind);
      if ('inRollout' in r) expect(typeof r.inRollout, c.id).toBe('boolean');
      if ('ruleIndex' in r) expect(Number.isInteger(r.ruleIndex), c.id).toBe(true);
    }
  });

  it('is consistent with its flags: value = variations[variation], rule ids, offVariation, targets', () => {
    for (const c of cases) {
      const r = c.expect.reason;
      if (r.kind === 'ERROR') continue;
      const flag = flagsByKey(c).get(c.flag);
      expect(flag, c.id).toBeDefined();
      if (!flag) continue;
      const variations = flag.variations as unknown[];
      const v = c.expect.variation as number;
      expect(jsonEqual(variations[v], c.expect.value), `${c.id}: value is variations[${v}]`).toBe(true);
      if (r.kind === 'OFF' || r.kind === 'PREREQUISITE_FAILED') expect(v, c.id).toBe(flag.offVariation);
      if (r.kind === 'OFF') expect(flag.on, c.id).toBe(false);
      if (r.kind !== 'OFF') expect(flag.on, c.id).toBe(true);
      if (r.kind === 'RULE_MATCH') {
        const rule = (flag.rules as Json[])[r.ruleIndex as number];
        expect(rule?.id, c.id).toBe(r.ruleId);
      }
      if (r.kind === 'PREREQUISITE_FAILED') {
        const keys = (flag.prerequisites as Json[]).map((p) => p.key);
        expect(keys, c.id).toContain(r.prerequisiteKey);
      }
      if (r.kind === 'TARGET_MATCH') {
        const plain = isObject(c.context) ? c.context.key : undefined;
        const key =
          c.keyHashing !== undefined && typeof plain === 'string' ? keyHash(c.keyHashing.salt, plain) : plain;
        const first = (flag.targets as Json[]).find((t) => (t.values as unknown[]).includes(key));
        expect(first?.variation, c.id).toBe(v);
      }
      if (r.kind === 'RULE_MATCH' || r.kind === 'FALLTHROUGH') {
        const serve = (
          r.kind === 'RULE_MATCH' ? (flag.rules as Json[])[r.ruleIndex as number]?.serve : flag.fallthrough
        ) as Json;
        if ('variation' in serve) {
          expect(serve.variation, c.id).toBe(v);
          expect(r.inRollout, `${c.id}: a fixed variation is not a rollout`).toBe(false);
        } else {
          const slices = (serve.rollout as Json).variations as Json[];
          const nonZero = slices.filter((s) => s.weight !== 0);
          // Two slices of the same variation are not a split (docs/evaluation.md §3).
          expect(r.inRollout, `${c.id}: inRollout`).toBe(new Set(nonZero.map((s) => s.variation)).size >= 2);
          expect(
            nonZero.map((s) => s.variation),
            c.id,
          ).toContain(v);
        }
      }
    }
  });

  it('uses every operator of model.ts', () => {
    const used = new Set<unknown>();
    for (const c of cases)
      for (const e of [...c.flags, ...c.segments]) for (const cl of clausesOf(e)) used.add(cl.op);
    for (const op of OPERATORS) expect(used.has(op), op).toBe(true);
  });

  it('produces every reason kind and every error kind except CLIENT_NOT_READY and EXCEPTION', () => {
    const kinds = new Set(cases.map((c) => c.expect.reason.kind));
    const errors = new Set(cases.map((c) => c.expect.reason.errorKind).filter((e) => e !== undefined));
    for (const k of REASON_KINDS) expect(kinds.has(k), k).toBe(true);
    for (const e of ERROR_KINDS) {
      if (!ERROR_KINDS_NOT_COVERED.includes(e)) expect(errors.has(e), e).toBe(true);
    }
  });

  it('covers typed evaluation of every type', () => {
    const types = new Set(cases.map((c) => c.type).filter((t) => t !== undefined));
    expect([...types].sort()).toEqual(['boolean', 'json', 'number', 'string']);
  });

  describe('covers each operator (except segmentMatch) with the required situations', () => {
    // Situations are recognised on single-clause flags with a top-level attribute (see singleClause).
    const byOp = new Map<
      string,
      Array<{ c: ConformanceCase; clause: Json; value: unknown; present: boolean }>
    >();
    for (const c of cases) {
      const clause = singleClause(flagsByKey(c).get(c.flag));
      if (!clause || typeof clause.attribute !== 'string' || clause.attribute.startsWith('/')) continue;
      if (!isObject(c.context) || c.expect.reason.kind === 'ERROR') continue;
      const present = Object.hasOwn(c.context, clause.attribute);
      const entry = { c, clause, value: present ? c.context[clause.attribute] : undefined, present };
      const list = byOp.get(String(clause.op)) ?? [];
      list.push(entry);
      byOp.set(String(clause.op), list);
    }
    const matched = (e: { c: ConformanceCase }) => e.c.expect.reason.kind === 'RULE_MATCH';
    const wrongType: Record<string, (v: unknown) => boolean> = {
      string: (v) => v !== null && typeof v !== 'string' && !Array.isArray(v),
      number: (v) => v !== null && typeof v !== 'number' && !Array.isArray(v),
      date: (v) =>
        v !== null &&
        typeof v !== 'number' &&
        !Array.isArray(v) &&
        (typeof v !== 'string' || !/^\d{4}-/.test(v)),
      scalar: (v) => isObject(v),
    };
    const typeOf = (op: string): string =>
      op === 'in'
        ? 'scalar'
        : ['lt', 'lte', 'gt', 'gte'].includes(op)
          ? 'number'
          : ['before', 'after'].includes(op)
            ? 'date'
            : 'string';
    for (const op of OPERATORS) {
      if (op === 'segmentMatch') continue;
      it(op, () => {
        const list = byOp.get(op) ?? [];
        const plain = list.filter((e) => e.clause.negate !== true);
        const missing: string[] = [];
        const has = (what: string, pred: (e: (typeof list)[number]) => boolean, from = plain) => {
          if (!from.some(pred)) missing.push(what);
        };
        has('match', (e) => matched(e) && !Array.isArray(e.value));
        if (op !== 'exists') {
          has('non-match', (e) => !matched(e) && e.present && e.value !== null && !Array.isArray(e.value));
          has('wrong attribute type', (e) => !matched(e) && wrongType[typeOf(op)]!(e.value));
          has('empty values list', (e) => Array.isArray(e.clause.values) && e.clause.values.length === 0);
        } else {
          has('empty values list', (e) => matched(e) && (e.clause.values as unknown[]).length === 0);
        }
        has('missing attribute', (e) => !e.present && !matched(e));
        has('null attribute', (e) => e.present && e.value === null && !matched(e));
        has('array attribute', (e) => Array.isArray(e.value) && e.value.length > 0);
        has(
          'negate on a missing attribute is true',
          (e) => e.clause.negate === true && !e.present && matched(e),
          list,
        );
        has('negate on a present attribute', (e) => e.clause.negate === true && e.present, list);
        if (CASE_INSENSITIVE_OPERATORS.includes(op)) {
          has('caseInsensitive match', (e) => e.clause.caseInsensitive === true && matched(e));
        }
        expect(missing, op).toEqual([]);
      });
    }
  });

  it('quotes only buckets that are vectors of bucketing.json for the same flag/segment/seed and value', () => {
    let quoted = 0;
    for (const c of cases) {
      const m = /\(bucket (\d+)\)/.exec(c.name);
      if (!m) continue;
      quoted++;
      const bucket = Number(m[1]);
      const flag = flagsByKey(c).get(c.flag);
      const seeds: string[] = flag ? (JSON.stringify(flag).match(/"seed":-?\d+/g) ?? []) : [];
      const segmentKeys = c.segments.flatMap((s) =>
        isObject(s) && typeof s.key === 'string' ? [s.key] : [],
      );
      const contextValues = JSON.stringify(c.context);
      const ok = vectors.some(
        (v) =>
          v.bucket === bucket &&
          contextValues.includes(JSON.stringify(v.value).slice(1, -1)) &&
          (v.seed !== undefined
            ? seeds.includes(`"seed":${v.seed}`)
            : v.flagKey === c.flag || segmentKeys.includes(v.flagKey)),
      );
      expect(ok, c.id).toBe(true);
    }
    expect(quoted).toBeGreaterThan(40);
  });
});

describe('bucket vectors', () => {
  it('has at least 60 vectors with unique inputs', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(60);
    const ids = vectors.map((v) => JSON.stringify([v.flagKey, v.salt, v.seed, v.value]));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('computes each bucket from its hash as floor(h × 100000 / 2^32)', () => {
    for (const v of vectors) {
      expect(v.bucket).toBeGreaterThanOrEqual(0);
      expect(v.bucket).toBeLessThan(100000);
      expect(v.hash).toBeDefined();
      expect(v.bucket).toBe(Math.floor(((v.hash as number) * 100000) / 2 ** 32));
    }
  });

  it('covers seeded and unseeded inputs, empty, integer, non-ASCII, astral and lone-surrogate values', () => {
    expect(vectors.some((v) => v.seed !== undefined)).toBe(true);
    expect(vectors.some((v) => v.seed === undefined)).toBe(true);
    expect(vectors.some((v) => v.value === '')).toBe(true);
    expect(vectors.some((v) => /^-?\d+$/.test(v.value))).toBe(true);
    expect(vectors.some((v) => [...v.value].some((ch) => (ch.codePointAt(0) ?? 0) > 0x7f))).toBe(true);
    expect(vectors.some((v) => /[\u{10000}-\u{10ffff}]/u.test(v.value))).toBe(true);
    expect(
      vectors.some((v) => /[\ud800-\udfff]/.test(v.value.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))),
    ).toBe(true);
  });

  it('hashes a lone surrogate like U+FFFD', () => {
    const lone = vectors.find((v) => v.value === '\ud800');
    const replacement = vectors.find((v) => v.value === '\ufffd' && v.flagKey === lone?.flagKey);
    expect(lone?.bucket).toBeDefined();
    expect(lone?.bucket).toBe(replacement?.bucket);
  });

  it('gives equal buckets to equal seeds and values whatever the flag key and salt', () => {
    const a = vectors.find((v) => v.seed === 42 && v.value === 'user-1' && v.flagKey === 'checkout-redesign');
    const b = vectors.find((v) => v.seed === 42 && v.value === 'user-1' && v.flagKey === 'new-search');
    expect(a?.bucket).toBeDefined();
    expect(a?.bucket).toBe(b?.bucket);
  });

  it('is what scripts/generate-bucket-vectors.mjs generates', () => {
    const script = fileURLToPath(new URL('../scripts/generate-bucket-vectors.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('is not loaded as a case file', () => {
    expect(caseFileNames()).not.toContain(BUCKETING_FILE);
  });
});

describe('key-hash vectors', () => {
  it('has at least 30 vectors with unique inputs, each the hash node:crypto computes', () => {
    expect(keyHashVectors.length).toBeGreaterThanOrEqual(30);
    const ids = keyHashVectors.map((v) => JSON.stringify([v.salt, v.key]));
    expect(new Set(ids).size).toBe(ids.length);
    for (const v of keyHashVectors) expect(v.hash, JSON.stringify(v)).toBe(keyHash(v.salt, v.key));
  });

  it('covers empty salts and keys, non-ASCII, astral, lone surrogates and multi-block inputs', () => {
    const has = (pred: (v: (typeof keyHashVectors)[number]) => boolean) => keyHashVectors.some(pred);
    expect(has((v) => v.salt === '' && v.key === '')).toBe(true);
    expect(has((v) => v.salt !== '' && v.key === '')).toBe(true);
    expect(has((v) => [...v.key].some((ch) => (ch.codePointAt(0) ?? 0) > 0x7f))).toBe(true);
    expect(has((v) => /[\u{10000}-\u{10ffff}]/u.test(v.key))).toBe(true);
    expect(has((v) => /[\ud800-\udfff]/.test(v.key.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')))).toBe(
      true,
    );
    const bytes = (v: { salt: string; key: string }) => Buffer.byteLength(`${v.salt}:${v.key}`);
    for (const n of [55, 56, 63, 64, 119, 120])
      expect(
        has((v) => bytes(v) === n),
        `${n} bytes`,
      ).toBe(true);
    expect(has((v) => v.key.length > 1000 || bytes(v) > 1000)).toBe(true);
  });

  it('hashes a lone surrogate like U+FFFD', () => {
    const lone = keyHashVectors.find((v) => v.key === 'a\ud800b');
    expect(lone?.hash).toBeDefined();
    expect(keyHashVectors.find((v) => v.key === 'a\ufffdb' && v.salt === lone?.salt)?.hash).toBe(lone?.hash);
  });

  it('hashes salt + ":" + key, so the salt takes part and the separator is not escaped', () => {
    const bySalt = new Map(keyHashVectors.filter((v) => v.key === 'user-1').map((v) => [v.salt, v.hash]));
    expect(new Set(bySalt.values()).size).toBe(bySalt.size);
    expect(bySalt.size).toBeGreaterThanOrEqual(3);
    const ab = keyHashVectors.find((v) => v.salt === 'a:b' && v.key === 'c');
    expect(ab?.hash).toBeDefined();
    expect(keyHashVectors.find((v) => v.salt === 'a' && v.key === 'b:c')?.hash).toBe(ab?.hash);
  });

  it('is what scripts/generate-key-hash-vectors.mjs generates, with cases/hashed-keys.json', () => {
    const script = fileURLToPath(new URL('../scripts/generate-key-hash-vectors.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('is not loaded as a case file', () => {
    expect(caseFileNames()).not.toContain(KEY_HASHING_FILE);
  });
});

describe('hashed key lists', () => {
  const hashedCases = cases.filter((c) => c.keyHashing !== undefined);
  const hashes = new Set(keyHashVectors.map((v) => v.hash));

  it('has at least 30 cases in hashed mode', () => {
    expect(hashedCases.length).toBeGreaterThanOrEqual(30);
  });

  it('lists only hashes that are key-hashing.json vectors, so each can be traced to its key', () => {
    for (const c of hashedCases) {
      const lists = [
        ...c.flags.flatMap((f) => ((f as Json).targets as Json[] | undefined) ?? []).map((t) => t.values),
        ...c.segments.flatMap((s) => [(s as Json).included, (s as Json).excluded]),
      ];
      for (const list of lists)
        for (const h of (list as string[] | undefined) ?? []) expect(hashes, c.id).toContain(h);
    }
  });

  it('covers targets, segment included/excluded, unlisted keys, no key, unicode and prerequisites', () => {
    const kinds = new Set(hashedCases.map((c) => c.expect.reason.kind));
    for (const k of ['TARGET_MATCH', 'RULE_MATCH', 'FALLTHROUGH', 'PREREQUISITE_FAILED', 'OFF']) {
      expect(kinds.has(k), k).toBe(true);
    }
    const keyOf = (c: ConformanceCase) => (isObject(c.context) ? c.context.key : undefined);
    expect(hashedCases.some((c) => isObject(c.context) && !('key' in c.context))).toBe(true);
    expect(
      hashedCases.some(
        (c) =>
          c.expect.reason.kind === 'TARGET_MATCH' &&
          [...String(keyOf(c) ?? '')].some((ch) => (ch.codePointAt(0) ?? 0) > 0x7f),
      ),
    ).toBe(true);
    expect(hashedCases.some((c) => c.segments.length > 0 && c.expect.reason.kind === 'RULE_MATCH')).toBe(
      true,
    );
  });
});

describe('checkResult', () => {
  const ruleCase: ConformanceCase = {
    id: 'x.json › rule',
    file: 'x.json',
    name: 'rule',
    suite: 'x',
    flags: [],
    segments: [],
    flag: 'f',
    context: { key: 'u1' },
    default: 'dflt',
    expect: {
      value: { a: [1, { b: null }], c: 'd' },
      variation: 2,
      reason: { kind: 'RULE_MATCH', ruleIndex: 1, ruleId: 'r2', inRollout: false },
    },
  };
  const ok = () => ({
    value: { c: 'd', a: [1, { b: null }] },
    variation: 2 as number | null | undefined,
    reason: { kind: 'RULE_MATCH', ruleIndex: 1, ruleId: 'r2', inRollout: false } as Record<string, unknown>,
  });
  const errorCase: ConformanceCase = {
    ...ruleCase,
    id: 'x.json › error',
    name: 'error',
    expect: { value: 'dflt', variation: null, reason: { kind: 'ERROR', errorKind: 'MALFORMED_FLAG' } },
  };
  const prereqCase: ConformanceCase = {
    ...ruleCase,
    expect: { value: false, variation: 0, reason: { kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'p' } },
  };

  it('accepts a conforming result (object member order does not matter)', () => {
    expect(checkResult(ruleCase, ok())).toEqual([]);
  });

  it('reports a different value', () => {
    const problems = checkResult(ruleCase, { ...ok(), value: { c: 'd', a: [1, { b: 0 }] } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^value: /);
  });

  it('compares values as JSON: types, array order and extra members matter', () => {
    expect(checkResult(ruleCase, { ...ok(), value: { c: 'd', a: [{ b: null }, 1] } })).toHaveLength(1);
    expect(checkResult(ruleCase, { ...ok(), value: { c: 'd', a: [1, { b: null }], e: 1 } })).toHaveLength(1);
    expect(checkResult(ruleCase, { ...ok(), value: { c: 'd', a: ['1', { b: null }] } })).toHaveLength(1);
    expect(checkResult(ruleCase, { ...ok(), value: { c: 'd', a: [1, { b: null }], e: undefined } })).toEqual(
      [],
    );
    expect(
      checkResult(
        { ...ruleCase, expect: { ...ruleCase.expect, value: null } },
        { ...ok(), value: undefined },
      ),
    ).toHaveLength(1);
  });

  it('reports a different variation', () => {
    expect(checkResult(ruleCase, { ...ok(), variation: 1 })).toEqual(['variation: expected 2, got 1']);
    expect(checkResult(ruleCase, { ...ok(), variation: undefined })).toEqual([
      'variation: expected 2, got null',
    ]);
  });

  it('treats an undefined variation as null', () => {
    const result = {
      value: 'dflt',
      variation: undefined,
      reason: { kind: 'ERROR', errorKind: 'MALFORMED_FLAG' },
    };
    expect(checkResult(errorCase, result)).toEqual([]);
    expect(checkResult(errorCase, { ...result, variation: null })).toEqual([]);
    expect(checkResult(errorCase, { ...result, variation: 0 })).toEqual(['variation: expected null, got 0']);
  });

  it('reports each reason field', () => {
    const reason = ok().reason;
    for (const [field, wrong] of [
      ['kind', 'FALLTHROUGH'],
      ['ruleIndex', 0],
      ['ruleId', 'r1'],
      ['inRollout', true],
    ] as const) {
      const problems = checkResult(ruleCase, { ...ok(), reason: { ...reason, [field]: wrong } });
      expect(problems, field).toHaveLength(1);
      expect(problems[0], field).toMatch(new RegExp(`^reason\\.${field}: `));
    }
    expect(
      checkResult(prereqCase, {
        value: false,
        variation: 0,
        reason: { kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'q' },
      }),
    ).toEqual(['reason.prerequisiteKey: expected "p", got "q"']);
    expect(
      checkResult(errorCase, {
        value: 'dflt',
        variation: undefined,
        reason: { kind: 'ERROR', errorKind: 'WRONG_TYPE' },
      }),
    ).toEqual(['reason.errorKind: expected "MALFORMED_FLAG", got "WRONG_TYPE"']);
  });

  it('reports missing and extra reason fields', () => {
    const { inRollout: _, ...missing } = ok().reason;
    expect(checkResult(ruleCase, { ...ok(), reason: missing })).toEqual([
      'reason.inRollout: expected false, got (absent)',
    ]);
    expect(
      checkResult(prereqCase, {
        value: false,
        variation: 0,
        reason: { kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'p', inRollout: false },
      }),
    ).toEqual(['reason.inRollout: expected (absent), got false']);
    expect(checkResult(ruleCase, { ...ok(), reason: { ...ok().reason, extra: undefined } })).toEqual([]);
  });

  it("ignores an ERROR reason's message, and only that", () => {
    const result = {
      value: 'dflt',
      variation: undefined,
      reason: { kind: 'ERROR', errorKind: 'MALFORMED_FLAG', message: 'rules[0]: bad' },
    };
    expect(checkResult(errorCase, result)).toEqual([]);
    expect(checkResult(ruleCase, { ...ok(), reason: { ...ok().reason, message: 'x' } })).toEqual([
      'reason.message: expected (absent), got "x"',
    ]);
  });

  it('reports every mismatch at once', () => {
    expect(
      checkResult(ruleCase, {
        value: 'dflt',
        variation: undefined,
        reason: { kind: 'ERROR', errorKind: 'EXCEPTION' },
      }),
    ).toHaveLength(7);
  });

  it('reports a reason that is not an object', () => {
    expect(
      checkResult(ruleCase, { ...ok(), reason: null as unknown as Record<string, unknown> }),
    ).toHaveLength(1);
  });

  it('accepts every case of the suite when given its own expectation', () => {
    for (const c of cases) {
      const variation = c.expect.variation === null ? undefined : c.expect.variation;
      expect(
        checkResult(c, { value: structuredClone(c.expect.value), variation, reason: { ...c.expect.reason } }),
        c.id,
      ).toEqual([]);
    }
  });
});

describe('parseCaseFile', () => {
  const test = {
    name: 't',
    flag: 'f',
    context: null,
    default: 1,
    expect: { value: 1, variation: null, reason: { kind: 'ERROR', errorKind: 'INVALID_CONTEXT' } },
  };

  it('reads keyHashing, and rejects a malformed one', () => {
    const file = { suite: 's', flags: [], tests: [test], keyHashing: { salt: 'x' } };
    expect(parseCaseFile('a.json', file)[0]?.keyHashing).toEqual({ salt: 'x' });
    expect(() => parseCaseFile('a.json', { ...file, keyHashing: { salt: 1 } })).toThrow(/"keyHashing"/);
    expect(() => parseCaseFile('a.json', { ...file, keyHashing: 'x' })).toThrow(/"keyHashing"/);
  });

  it('parses a minimal file; segments are optional', () => {
    const parsed = parseCaseFile('a.json', { suite: 's', flags: [], tests: [{ ...test, type: 'json' }] });
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({
      id: 'a.json › t',
      suite: 's',
      segments: [],
      context: null,
      type: 'json',
    });
  });

  it('leaves type out for untyped tests', () => {
    const parsed = parseCaseFile('a.json', { suite: 's', flags: [], tests: [test] })[0];
    expect(parsed).not.toHaveProperty('type');
    expect(parsed).not.toHaveProperty('keyHashing');
  });

  it('rejects malformed files with the file and test named', () => {
    expect(() => parseCaseFile('a.json', [])).toThrow(/^a\.json: /);
    expect(() => parseCaseFile('a.json', { suite: 's', flags: [], tests: [test, test] })).toThrow(
      /a\.json › t: duplicate/,
    );
    expect(() =>
      parseCaseFile('a.json', { suite: 's', flags: [], tests: [{ ...test, type: 'int' }] }),
    ).toThrow(/"type"/);
    const { context: _, ...noContext } = test;
    expect(() => parseCaseFile('a.json', { suite: 's', flags: [], tests: [noContext] })).toThrow(/"context"/);
    expect(() =>
      parseCaseFile('a.json', {
        suite: 's',
        flags: [],
        tests: [{ ...test, expect: { value: 1, variation: 0.5, reason: { kind: 'OFF' } } }],
      }),
    ).toThrow(/variation/);
  });
});
