import { type AttributeRef, compileAttributeRef, resolveAttribute } from './attribute.js';
import { BUCKETS, bucketingValue, bucketOf, type HashPrefix, rolloutPrefix } from './bucketing.js';
import { type CompiledClause, compileClause, matchClause, type SegmentScope } from './clause.js';
import { readInteger, readObject, readOptionalArray, readString } from './config-reader.js';
import type { Segment } from './model.js';
import type { OperatorSet } from './operators/operator.js';

interface CompiledSegmentRule {
  readonly clauses: readonly CompiledClause[];
  /** Share of matching contexts in the segment, out of 100,000; undefined = all. */
  readonly weight: number | undefined;
  readonly bucketBy: AttributeRef;
}

/** A segment compiled for membership tests. */
export interface CompiledSegment {
  readonly key: string;
  readonly version: number;
  readonly included: ReadonlySet<string>;
  readonly excluded: ReadonlySet<string>;
  readonly rules: readonly CompiledSegmentRule[];
  readonly prefix: HashPrefix;
  /** The segment as given. */
  readonly source: Segment;
}

function keySet(raw: unknown, path: string): Set<string> {
  return new Set(readOptionalArray(raw, path).map((v, i) => readString(v, `${path}[${i}]`, false)));
}

/** Compiles and validates a segment; throws CompileError naming the path. */
export function compileSegment(raw: unknown, operators: OperatorSet): CompiledSegment {
  const s = readObject(raw, '');
  const key = readString(s.key, 'key', true);
  const salt = s.salt === undefined ? '' : readString(s.salt, 'salt', false);
  return {
    key,
    version: readInteger(s.version, 'version', 0, Number.MAX_SAFE_INTEGER),
    included: keySet(s.included, 'included'),
    excluded: keySet(s.excluded, 'excluded'),
    rules: readOptionalArray(s.rules, 'rules').map((rawRule, i) => {
      const path = `rules[${i}]`;
      const r = readObject(rawRule, path);
      if (r.id !== undefined) readString(r.id, `${path}.id`, false);
      return {
        clauses: readOptionalArray(r.clauses, `${path}.clauses`).map((c, j) =>
          compileClause(c, `${path}.clauses[${j}]`, operators),
        ),
        weight: r.weight === undefined ? undefined : readInteger(r.weight, `${path}.weight`, 0, BUCKETS),
        bucketBy: compileAttributeRef(
          r.bucketBy === undefined ? 'key' : readString(r.bucketBy, `${path}.bucketBy`, true),
          `${path}.bucketBy`,
        ),
      };
    }),
    prefix: rolloutPrefix(key, salt, undefined),
    source: s as unknown as Segment,
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
    if (seg.included.has(key)) return true;
    if (seg.excluded.has(key)) return false;
  }
  rules: for (const rule of seg.rules) {
    for (const c of rule.clauses) if (!matchClause(c, context, scope)) continue rules;
    if (rule.weight === undefined) return true;
    const value = bucketingValue(resolveAttribute(context, rule.bucketBy));
    if (value !== undefined && bucketOf(seg.prefix, value) < rule.weight) return true;
  }
  return false;
}
