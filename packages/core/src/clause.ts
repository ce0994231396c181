import { type AttributeRef, compileAttributeRef, resolveAttribute } from './attribute.js';
import { fail } from './compile-error.js';
import { readArray, readObject, readOptionalBoolean, readString } from './config-reader.js';
import { frozenJson } from './frozen-json.js';
import { type Clause, type JsonValue, OPERATORS, type Operator } from './model.js';
import type { OperatorSet, Predicate } from './operators/operator.js';

/** Answers segment membership for `segmentMatch`; implemented by the evaluator. */
export interface SegmentScope {
  inAnySegment(keys: readonly string[], context: object): boolean;
}

// Clause kinds. `IN_STRINGS` is the common "attribute is one of a few strings" case, matched
// inline without a predicate call. Every other operator is `PREDICATE + its index in OPERATORS`,
// so the kind also tells which operator the clause was written with (for `clauseSource`).
const IN_STRINGS = 0;
const EXISTS = 1;
const SEGMENT = 2;
const PREDICATE = 3;

// `shape` bits: which optional members the clause was given with, so it can be rebuilt as given.
const NEGATE_GIVEN = 1;
const CASE_GIVEN = 2;
const CASE_INSENSITIVE = 4;

/**
 * A compiled clause. Every clause has the same object shape so the evaluator's call sites stay
 * monomorphic.
 */
export interface CompiledClause {
  readonly kind: number;
  readonly ref: AttributeRef;
  readonly negate: boolean;
  /** IN_STRINGS: the values; SEGMENT: the segment keys; otherwise the values as given (a frozen copy). */
  readonly list: readonly JsonValue[];
  readonly test: Predicate;
  /** Which optional members were given (bits above). */
  readonly shape: number;
}

const never: Predicate = () => false;
const noValues: readonly JsonValue[] = Object.freeze([]);

/**
 * The engine's canonical copy of `s`. V8 compares two internalized strings by identity, so a
 * context value that is a literal (also internalized) matches or misses without comparing
 * characters; property keys are always internalized, hence the detour through an object key.
 * Equal strings of many flags also become one string.
 */
export function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

/**
 * Compiles a clause, validating it; throws CompileError naming `path`. Operators missing from
 * `operators` are compile errors, so a flag that needs one serves defaults instead of guessing.
 */
export function compileClause(raw: unknown, path: string, operators: OperatorSet): CompiledClause {
  const c = readObject(raw, path);
  const attribute = readString(c.attribute, `${path}.attribute`, true);
  const op = readString(c.op, `${path}.op`, true);
  const opIndex = OPERATORS.indexOf(op as Operator);
  if (opIndex < 0) fail(`${path}.op`, `unknown operator "${op}"`);
  const values = readArray(c.values, `${path}.values`);
  const negate = readOptionalBoolean(c.negate, `${path}.negate`);
  const caseInsensitive = readOptionalBoolean(c.caseInsensitive, `${path}.caseInsensitive`);
  const ref = compileAttributeRef(internalized(attribute), `${path}.attribute`);
  const vpath = `${path}.values`;
  const shape =
    (c.negate === undefined ? 0 : NEGATE_GIVEN) |
    (c.caseInsensitive === undefined ? 0 : CASE_GIVEN) |
    (caseInsensitive ? CASE_INSENSITIVE : 0);
  const clause = (kind: number, list: readonly JsonValue[], test: Predicate): CompiledClause => ({
    kind,
    ref,
    negate,
    list,
    test,
    shape,
  });
  const given = () =>
    values.length === 0 ? noValues : ((frozenJson(values) as JsonValue[] | undefined) ?? noValues);

  if (op === 'segmentMatch')
    return clause(
      SEGMENT,
      values.map((v, i) => internalized(readString(v, `${vpath}[${i}]`, true))),
      never,
    );
  if (op === 'exists') return clause(EXISTS, given(), never);
  // A few case-sensitive strings are faster to scan than to hash.
  if (op === 'in' && !caseInsensitive && values.length <= 8 && values.every((v) => typeof v === 'string'))
    return clause(IN_STRINGS, (values as string[]).map(internalized), never);
  const factory = operators[op as keyof OperatorSet];
  if (factory === undefined) fail(`${path}.op`, `operator "${op}" is not available in this build`);
  return clause(PREDICATE + opIndex, given(), factory(values, vpath, caseInsensitive));
}

/** The attribute as written in a clause: the name, or the JSON Pointer of a path. */
export function attributeText(ref: AttributeRef): string {
  if (typeof ref === 'string') return ref;
  if (!Array.isArray(ref)) return (ref as { inherited: string }).inherited;
  // The pointer's escapes are canonical ("~0" for "~", "~1" for "/"), so this is the text given.
  return (ref as readonly string[])
    .map((step) => `/${step.replace(/~/g, '~0').replace(/\//g, '~1')}`)
    .join('');
}

/** The clause as it was given (rebuilt: compiled clauses do not keep their input). */
export function clauseSource(c: CompiledClause): Clause {
  const op: Operator =
    c.kind === IN_STRINGS
      ? 'in'
      : c.kind === EXISTS
        ? 'exists'
        : c.kind === SEGMENT
          ? 'segmentMatch'
          : OPERATORS[c.kind - PREDICATE]!;
  const out: Clause = { attribute: attributeText(c.ref), op, values: [...c.list] };
  if ((c.shape & NEGATE_GIVEN) !== 0) out.negate = c.negate;
  if ((c.shape & CASE_GIVEN) !== 0) out.caseInsensitive = (c.shape & CASE_INSENSITIVE) !== 0;
  return out;
}

/** The segment keys a `segmentMatch` clause names; empty for any other clause. */
export function segmentKeysOf(c: CompiledClause): readonly string[] {
  return c.kind === SEGMENT ? (c.list as readonly string[]) : [];
}

// Hot path: one attribute value against an IN_STRINGS or PREDICATE clause; written for speed.
function valueMatches(c: CompiledClause, v: unknown): boolean {
  if (c.kind !== IN_STRINGS) return c.test(v);
  if (typeof v !== 'string') return false;
  const list = c.list;
  for (let i = 0; i < list.length; i++) if (list[i] === v) return true;
  return false;
}

// Hot path: evaluates a clause (docs/evaluation.md §4); written for speed.
/** Whether `context` matches the clause. Never throws for JSON contexts. */
export function matchClause(c: CompiledClause, context: object, scope: SegmentScope): boolean {
  if (c.kind === SEGMENT) return scope.inAnySegment(c.list as readonly string[], context) !== c.negate;
  const ref = c.ref;
  const v =
    typeof ref === 'string' ? (context as Record<string, unknown>)[ref] : resolveAttribute(context, ref);
  let raw = false;
  if (v !== undefined && v !== null) {
    if (c.kind === EXISTS) {
      raw = true;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (item !== undefined && item !== null && valueMatches(c, item)) {
          raw = true;
          break;
        }
      }
    } else {
      raw = valueMatches(c, v);
    }
  }
  return raw !== c.negate;
}

/**
 * The top-level attribute and values of a plain "attribute is one of these strings" clause
 * (case-sensitive, not negated), which rule runs can index; undefined for any other clause.
 */
export function stringListClause(
  c: CompiledClause,
): { attribute: string; values: readonly string[] } | undefined {
  return c.kind === IN_STRINGS && !c.negate && typeof c.ref === 'string'
    ? { attribute: c.ref, values: c.list as readonly string[] }
    : undefined;
}
