import { type AttributeRef, compileAttributeRef, resolveAttribute } from './attribute.js';
import { fail } from './compile-error.js';
import { readArray, readObject, readOptionalBoolean, readString } from './config-reader.js';
import { OPERATORS } from './model.js';
import type { OperatorSet, Predicate } from './operators/operator.js';

/** Answers segment membership for `segmentMatch`; implemented by the evaluator. */
export interface SegmentScope {
  inAnySegment(keys: readonly string[], context: object): boolean;
}

// Clause kinds. `IN_STRINGS` is the common "attribute is one of a few strings" case, matched
// inline without a predicate call.
const IN_STRINGS = 0;
const PREDICATE = 1;
const EXISTS = 2;
const SEGMENT = 3;

/**
 * A compiled clause. Every clause has the same object shape so the evaluator's call sites stay
 * monomorphic.
 */
export interface CompiledClause {
  readonly kind: number;
  readonly ref: AttributeRef;
  readonly negate: boolean;
  /** IN_STRINGS: the values; SEGMENT: the segment keys. */
  readonly list: readonly string[];
  readonly test: Predicate;
}

const never: Predicate = () => false;

/**
 * The engine's canonical copy of `s`. V8 compares two internalized strings by identity, so a
 * context value that is a literal (also internalized) matches or misses without comparing
 * characters; property keys are always internalized, hence the detour through an object key.
 */
function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

const KNOWN_OPERATORS: ReadonlySet<string> = new Set(OPERATORS);

/**
 * Compiles a clause, validating it; throws CompileError naming `path`. Operators missing from
 * `operators` are compile errors, so a flag that needs one serves defaults instead of guessing.
 */
export function compileClause(raw: unknown, path: string, operators: OperatorSet): CompiledClause {
  const c = readObject(raw, path);
  const attribute = readString(c.attribute, `${path}.attribute`, true);
  const op = readString(c.op, `${path}.op`, true);
  if (!KNOWN_OPERATORS.has(op)) fail(`${path}.op`, `unknown operator "${op}"`);
  const values = readArray(c.values, `${path}.values`);
  const negate = readOptionalBoolean(c.negate, `${path}.negate`);
  const caseInsensitive = readOptionalBoolean(c.caseInsensitive, `${path}.caseInsensitive`);
  const ref = compileAttributeRef(attribute, `${path}.attribute`);
  const vpath = `${path}.values`;

  if (op === 'segmentMatch') {
    const keys = values.map((v, i) => readString(v, `${vpath}[${i}]`, true));
    return { kind: SEGMENT, ref, negate, list: keys, test: never };
  }
  if (op === 'exists') return { kind: EXISTS, ref, negate, list: [], test: never };
  // A few case-sensitive strings are faster to scan than to hash.
  if (op === 'in' && !caseInsensitive && values.length <= 8 && values.every((v) => typeof v === 'string')) {
    return { kind: IN_STRINGS, ref, negate, list: (values as string[]).map(internalized), test: never };
  }
  const factory = operators[op as keyof OperatorSet];
  if (factory === undefined) fail(`${path}.op`, `operator "${op}" is not available in this build`);
  return { kind: PREDICATE, ref, negate, list: [], test: factory(values, vpath, caseInsensitive) };
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
  if (c.kind === SEGMENT) return scope.inAnySegment(c.list, context) !== c.negate;
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
    ? { attribute: c.ref, values: c.list }
    : undefined;
}
