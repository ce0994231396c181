import type { OperatorSet } from '../operators/operator.js';
import { isAttributeRef } from './client-attribute.js';
import { builtIn, ofType } from './client-operators.js';
import type { ClientChecks } from './client-rules.js';

/**
 * Validation of flags and segments for the client interpreter, opt-in (`checks: clientChecks`): every
 * compile rule of docs/evaluation.md §2, written as one boolean expression per shape (fewer bytes than
 * checks that each name their member). So a malformed flag is only reported as malformed, except where
 * an operator is concerned: `operator` may throw an Error naming it. The compiled evaluator reports
 * full JSON paths, as the admin API does when a flag is written.
 */

type Json = Record<string, unknown>;

const isString = (v: unknown): v is string => typeof v === 'string';
/** A string, finite number or boolean. */
const isScalar = (v: unknown): boolean => ofType(0, v);

/**
 * Checks the values of a clause whose operator is not built in, building (and remembering) its
 * predicate from `init.operators`; throws when there is no such operator, or when a value is invalid
 * for it.
 */
export type ClauseOperator = (clause: Json & { values: unknown[] }) => true;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isKey = (v: unknown): v is string => isString(v) && v !== '';
const isBoolean = (v: unknown) => typeof v === 'boolean';
/** An integer in [0, max]. */
const isIndex = (v: unknown, max: number): v is number =>
  Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= max;
const optional = (v: unknown, test: (v: unknown) => boolean): boolean => v === undefined || test(v);
const every = (v: unknown, test: (x: unknown, i: number, all: unknown[]) => boolean): v is unknown[] =>
  Array.isArray(v) && v.every(test);
/** An optional array member, each element passing `test`. */
const each = (v: unknown, test: (x: unknown, i: number, all: unknown[]) => boolean): boolean =>
  optional(v, (a) => every(a, test));

/** A JSON value as frozen-json.ts accepts it: finite numbers, plain objects, at most 64 levels deep. */
const isJson = (v: unknown, depth: number): boolean =>
  typeof v === 'object' && v !== null
    ? depth <= 64 &&
      (Array.isArray(v) || [Object.prototype, null].includes(Object.getPrototypeOf(v))) &&
      Object.values(v).every((x) => isJson(x, depth + 1))
    : v === null || isScalar(v);

/** Key, version and salt: what flags and segments share. */
const isEntity = (e: unknown): e is Json =>
  isObject(e) && isKey(e.key) && isIndex(e.version, Infinity) && optional(e.salt, isString);

/** A clause: attribute, op, values (valid for the op), negate, caseInsensitive. */
const isClause = (c: unknown, operator: ClauseOperator): boolean =>
  isObject(c) &&
  isAttributeRef(c.attribute) &&
  optional(c.negate, isBoolean) &&
  optional(c.caseInsensitive, isBoolean) &&
  Array.isArray(c.values) &&
  // `exists` takes any values; `segmentMatch`, segment keys.
  (c.op === 'exists' ||
    (c.op === 'segmentMatch'
      ? c.values.every(isKey)
      : builtIn(c.op) !== undefined
        ? c.values.every((v) => ofType(builtIn(c.op)!, v))
        : operator(c as Json & { values: unknown[] })));

/** A `serve` or `fallthrough`: exactly one of a variation or a rollout whose weights sum to 100,000. */
const isServe = (
  s: unknown,
  isVariation: (v: unknown) => boolean,
  r = (s as Json | null)?.rollout,
): boolean =>
  isObject(s) &&
  (r === undefined
    ? isVariation(s.variation)
    : s.variation === undefined &&
      isObject(r) &&
      optional(r.bucketBy, isAttributeRef) &&
      optional(r.seed, Number.isSafeInteger) &&
      every(r.variations, (w) => isObject(w) && isVariation(w.variation) && isIndex(w.weight, 100000)) &&
      // An empty list sums to 0.
      r.variations.reduce((sum: number, w) => sum + (w as { weight: number }).weight, 0) === 100000);

/** Whether `f` is a valid flag (docs/evaluation.md §2). */
function isFlag(f: unknown, operator: ClauseOperator): boolean {
  if (!isEntity(f)) return false;
  const { key, type, variations } = f;
  const isVariation = (v: unknown) => isIndex(v, (variations as unknown[]).length - 1);
  return (
    ['boolean', 'string', 'number', 'json'].includes(type as string) &&
    isBoolean(f.on) &&
    optional(f.clientSide, isBoolean) &&
    every(variations, (v) => isJson(v, 0) && (type === 'json' || typeof v === type)) &&
    isVariation(f.offVariation) &&
    each(
      f.prerequisites,
      (p) => isObject(p) && isKey(p.key) && p.key !== key && isIndex(p.variation, Infinity),
    ) &&
    each(f.targets, (t) => isObject(t) && isVariation(t.variation) && every(t.values, isString)) &&
    each(
      f.rules,
      (r, i, rules) =>
        isObject(r) &&
        isKey(r.id) &&
        // Unique: no earlier rule (all checked objects) has this id.
        rules.findIndex((x) => (x as Json).id === r.id) === i &&
        optional(r.description, isString) &&
        every(r.clauses, (c) => isClause(c, operator)) &&
        isServe(r.serve, isVariation),
    ) &&
    isServe(f.fallthrough, isVariation)
  );
}

/** Whether `s` is a valid segment (docs/evaluation.md §2, §7). */
const isSegment = (s: unknown, operator: ClauseOperator): boolean =>
  isEntity(s) &&
  each(s.included, isString) &&
  each(s.excluded, isString) &&
  each(
    s.rules,
    (r) =>
      isObject(r) &&
      optional(r.id, isString) &&
      optional(r.weight, (w) => isIndex(w, 100000)) &&
      optional(r.bucketBy, isAttributeRef) &&
      each(r.clauses, (c) => isClause(c, operator)),
  );

/**
 * By operator set, then by payload object: what checking a flag or a segment found ('' when valid).
 * The SDK rebuilds its rules from mostly the same objects after every change event, so each is
 * checked once. Payload objects are treated as immutable, each in one role (as JSON.parse makes them).
 */
const memos = new WeakMap<OperatorSet, WeakMap<object, string>>();
const NO_OPERATORS: OperatorSet = {};

/**
 * The structural checks of docs/evaluation.md §2, for `createClientRules({ …, checks: clientChecks })`:
 * every flag and segment is checked when first evaluated, and a malformed flag is ERROR /
 * MALFORMED_FLAG (message `malformed`, or the operator's own), a malformed segment contains no one —
 * exactly the compiled evaluator's results for any input. For payloads that did not come from the
 * Ensign server (which validates every flag and segment before storing it); about 600 B gzip.
 *
 * @example
 * import { clientChecks, createClientRules } from '@ensign/core/client';
 * const rules = createClientRules({ flags, segments, checks: clientChecks });
 */
export const clientChecks: ClientChecks = (e, segment, supplied) => {
  const operators = supplied ?? NO_OPERATORS;
  const memo = memos.get(operators) ?? memos.set(operators, new WeakMap()).get(operators)!;
  let p = memo.get(e);
  if (p === undefined) {
    const operator: ClauseOperator = (c) => {
      const factory = Object.hasOwn(operators, c.op as PropertyKey) && operators[c.op as keyof OperatorSet];
      // Names the operator, so that an SDK can say which operator pack to import.
      if (!factory) throw Error(`no operator ${c.op}`);
      factory(c.values, 'values', c.caseInsensitive === true);
      return true;
    };
    try {
      p = (segment ? isSegment : isFlag)(e, operator) ? '' : 'malformed';
    } catch (x) {
      p = String((x as Error)?.message);
    }
    memo.set(e, p);
  }
  return p;
};
