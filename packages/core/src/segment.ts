import { type AttributeRef, compileAttributeRef, resolveAttribute } from './attribute.js';
import { BUCKETS, bucketingValue, bucketOf, type HashPrefix, rolloutPrefix } from './bucketing.js';
import {
  attributeText,
  type CompiledClause,
  clauseSource,
  compileClause,
  internalized,
  matchClause,
  type SegmentScope,
} from './clause.js';
import { readInteger, readObject, readOptionalArray, readString } from './config-reader.js';
import { jsonEqual } from './json-equal.js';
import type { Segment, SegmentRule } from './model.js';
import type { OperatorSet } from './operators/operator.js';
import { MAX_PACKED, type PackedKeys, packedHas, packKeys, unpackKeys } from './packed-keys.js';

interface CompiledSegmentRule {
  readonly id: string | undefined;
  readonly clauses: readonly CompiledClause[];
  /** Share of matching contexts in the segment, out of 100,000; undefined = all. */
  readonly weight: number | undefined;
  readonly bucketBy: AttributeRef;
  readonly bucketByGiven: boolean;
}

/** Context keys: a few packed in a string (scanned), more in a `Set`. Both keep the order given. */
type KeyList = PackedKeys | ReadonlySet<string>;

// `shape` bits: which optional members the segment was given with.
const INCLUDED_GIVEN = 1;
const EXCLUDED_GIVEN = 2;
const RULES_GIVEN = 4;

/**
 * A segment compiled for membership tests. Like a compiled flag, it does not keep its input:
 * {@link segmentSource} rebuilds it (the input is kept only when that could not be exact).
 */
export interface CompiledSegment {
  readonly key: string;
  readonly version: number;
  readonly included: KeyList;
  readonly excluded: KeyList;
  readonly rules: readonly CompiledSegmentRule[];
  readonly prefix: HashPrefix;
  readonly salt: string | undefined;
  readonly shape: number;
  /** The segment as given, kept only when {@link segmentSource} could not rebuild it exactly. */
  source: Segment | undefined;
}

function keyList(raw: unknown, path: string): KeyList {
  const keys = readOptionalArray(raw, path).map((v, i) => readString(v, `${path}[${i}]`, false));
  return (keys.length <= MAX_PACKED ? packKeys(keys) : undefined) ?? new Set(keys);
}

// Hot path: written for speed.
function listHas(list: KeyList, key: string): boolean {
  return typeof list === 'string' ? packedHas(list, key) : list.has(key);
}

const listSource = (list: KeyList): string[] => (typeof list === 'string' ? unpackKeys(list) : [...list]);

/** Compiles and validates a segment; throws CompileError naming the path. */
export function compileSegment(raw: unknown, operators: OperatorSet): CompiledSegment {
  const s = readObject(raw, '');
  const key = readString(s.key, 'key', true);
  const salt = s.salt === undefined ? undefined : readString(s.salt, 'salt', false);
  const compiled: CompiledSegment = {
    key,
    version: readInteger(s.version, 'version', 0, Number.MAX_SAFE_INTEGER),
    included: keyList(s.included, 'included'),
    excluded: keyList(s.excluded, 'excluded'),
    rules: readOptionalArray(s.rules, 'rules').map((rawRule, i) => {
      const path = `rules[${i}]`;
      const r = readObject(rawRule, path);
      return {
        id: r.id === undefined ? undefined : internalized(readString(r.id, `${path}.id`, false)),
        clauses: readOptionalArray(r.clauses, `${path}.clauses`).map((c, j) =>
          compileClause(c, `${path}.clauses[${j}]`, operators),
        ),
        weight: r.weight === undefined ? undefined : readInteger(r.weight, `${path}.weight`, 0, BUCKETS),
        bucketBy: compileAttributeRef(
          r.bucketBy === undefined ? 'key' : readString(r.bucketBy, `${path}.bucketBy`, true),
          `${path}.bucketBy`,
        ),
        bucketByGiven: r.bucketBy !== undefined,
      };
    }),
    prefix: rolloutPrefix(key, salt ?? '', undefined),
    salt: salt === key ? key : salt,
    shape:
      (s.included === undefined ? 0 : INCLUDED_GIVEN) |
      (s.excluded === undefined ? 0 : EXCLUDED_GIVEN) |
      (s.rules === undefined ? 0 : RULES_GIVEN),
    source: undefined,
  };
  if (!jsonEqual(segmentSource(compiled), s)) compiled.source = s as unknown as Segment;
  return compiled;
}

/** The segment as it was given: rebuilt from the compiled form (a new object on every call). */
export function segmentSource(seg: CompiledSegment): Segment {
  if (seg.source !== undefined) return seg.source;
  const { shape } = seg;
  return {
    key: seg.key,
    version: seg.version,
    ...((shape & INCLUDED_GIVEN) !== 0 && { included: listSource(seg.included) }),
    ...((shape & EXCLUDED_GIVEN) !== 0 && { excluded: listSource(seg.excluded) }),
    ...((shape & RULES_GIVEN) !== 0 && { rules: seg.rules.map(segmentRuleSource) }),
    ...(seg.salt !== undefined && { salt: seg.salt }),
  };
}

function segmentRuleSource(r: CompiledSegmentRule): SegmentRule {
  return {
    ...(r.id !== undefined && { id: r.id }),
    clauses: r.clauses.map(clauseSource),
    ...(r.weight !== undefined && { weight: r.weight }),
    ...(r.bucketByGiven && { bucketBy: attributeText(r.bucketBy) }),
  };
}

/**
 * Whether `context` is in the segment (§7). `key` is the context's key as the `included` and
 * `excluded` lists hold it (hashed for a client payload, §9), or undefined.
 */
export function segmentContains(
  seg: CompiledSegment,
  context: object,
  key: string | undefined,
  scope: SegmentScope,
): boolean {
  if (key !== undefined) {
    if (listHas(seg.included, key)) return true;
    if (listHas(seg.excluded, key)) return false;
  }
  rules: for (const rule of seg.rules) {
    for (const c of rule.clauses) if (!matchClause(c, context, scope)) continue rules;
    if (rule.weight === undefined) return true;
    const value = bucketingValue(resolveAttribute(context, rule.bucketBy));
    if (value !== undefined && bucketOf(seg.prefix, value) < rule.weight) return true;
  }
  return false;
}
