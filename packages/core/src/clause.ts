import { type AttributeRef, compileAttributeRef, resolveAttribute } from './attribute.js';
import { fail } from './compile-error.js';
import { readArray, readObject, readOptionalBoolean, readString } from './config-reader.js';
import type { Operator } from './model.js';
import { cidrContains, parseCidr } from './operators/cidr.js';
import { parseDate } from './operators/date.js';
import { compilePattern } from './operators/regex.js';
import { compareSemver, parseSemver, type Semver } from './operators/semver.js';

/** Answers segment membership for `segmentMatch`; implemented by the evaluator. */
export interface SegmentScope {
  inAnySegment(keys: readonly string[], context: object): boolean;
}

/** Tests one non-null, non-array attribute value against the clause's values. */
type Predicate = (value: unknown) => boolean;

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

const OPERATORS: ReadonlySet<string> = new Set<Operator>([
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
]);

/** Compiles a clause, validating it; throws CompileError naming `path`. */
export function compileClause(raw: unknown, path: string): CompiledClause {
  const c = readObject(raw, path);
  const attribute = readString(c.attribute, `${path}.attribute`, true);
  const op = readString(c.op, `${path}.op`, true);
  if (!OPERATORS.has(op)) fail(`${path}.op`, `unknown operator "${op}"`);
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
    return { kind: IN_STRINGS, ref, negate, list: values as string[], test: never };
  }
  return { kind: PREDICATE, ref, negate, list: [], test: predicate(op as Operator, values, vpath, caseInsensitive) };
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
  const v = typeof ref === 'string' ? (context as Record<string, unknown>)[ref] : resolveAttribute(context, ref);
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

function strings(values: readonly unknown[], path: string, lower: boolean): string[] {
  return values.map((v, i) => {
    const s = readString(v, `${path}[${i}]`, false);
    return lower ? s.toLowerCase() : s;
  });
}

function numbers(values: readonly unknown[], path: string): number[] {
  return values.map((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}[${i}]`, 'must be a finite number');
    return v;
  });
}

/** Parses every value with `parse`, failing with `what` when one does not parse. */
function parsed<T>(values: readonly unknown[], path: string, what: string, parse: (v: unknown) => T | undefined) {
  return values.map((v, i) => {
    const out = parse(v);
    if (out === undefined) fail(`${path}[${i}]`, `invalid ${what} ${JSON.stringify(v) ?? String(v)}`);
    return out;
  });
}

function predicate(op: Operator, values: readonly unknown[], path: string, ci: boolean): Predicate {
  switch (op) {
    case 'in':
      return inPredicate(values, path, ci);
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      const list = strings(values, path, ci);
      const has =
        op === 'contains'
          ? (s: string, x: string) => s.includes(x)
          : op === 'startsWith'
            ? (s: string, x: string) => s.startsWith(x)
            : (s: string, x: string) => s.endsWith(x);
      return (v) => {
        if (typeof v !== 'string') return false;
        const s = ci ? v.toLowerCase() : v;
        for (let i = 0; i < list.length; i++) if (has(s, list[i]!)) return true;
        return false;
      };
    }
    case 'matches': {
      const patterns = values.map((v, i) => {
        const p = `${path}[${i}]`;
        try {
          return compilePattern(readString(v, p, false), ci);
        } catch (e) {
          return fail(p, `invalid pattern: ${(e as Error).message}`);
        }
      });
      return (v) => {
        if (typeof v !== 'string') return false;
        for (let i = 0; i < patterns.length; i++) if (patterns[i]!.test(v)) return true;
        return false;
      };
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      // "x < any value" is "x < the largest value", and so on.
      return thresholdPredicate(op, numbers(values, path), (v) =>
        typeof v === 'number' && Number.isFinite(v) ? v : undefined,
      );
    case 'before':
    case 'after':
      return thresholdPredicate(op === 'before' ? 'lt' : 'gt', parsed(values, path, 'date', parseDate), parseDate);
    case 'semverEq':
    case 'semverLt':
    case 'semverLte':
    case 'semverGt':
    case 'semverGte':
      return semverPredicate(op, parsed(values, path, 'semantic version', parseSemver));
    case 'cidr': {
      const blocks = parsed(values, path, 'CIDR block', (v) => (typeof v === 'string' ? parseCidr(v) : undefined));
      return (v) => {
        if (typeof v !== 'string') return false;
        for (let i = 0; i < blocks.length; i++) if (cidrContains(blocks[i]!, v)) return true;
        return false;
      };
    }
    default:
      return fail(path, `operator "${op}" takes no attribute values`);
  }
}

function inPredicate(values: readonly unknown[], path: string, ci: boolean): Predicate {
  const strs = new Set<string>();
  const nums = new Set<number>();
  let hasTrue = false;
  let hasFalse = false;
  values.forEach((v, i) => {
    if (typeof v === 'string') strs.add(ci ? v.toLowerCase() : v);
    else if (typeof v === 'number' && Number.isFinite(v)) nums.add(v);
    else if (typeof v === 'boolean') v ? (hasTrue = true) : (hasFalse = true);
    else fail(`${path}[${i}]`, 'must be a string, a finite number or a boolean');
  });
  return (v) => {
    switch (typeof v) {
      case 'string':
        return strs.has(ci ? v.toLowerCase() : v);
      case 'number':
        return nums.has(v);
      case 'boolean':
        return v ? hasTrue : hasFalse;
      default:
        return false;
    }
  };
}

function thresholdPredicate(
  op: 'lt' | 'lte' | 'gt' | 'gte',
  bounds: readonly number[],
  read: (v: unknown) => number | undefined,
): Predicate {
  if (bounds.length === 0) return () => false;
  const max = Math.max(...bounds);
  const min = Math.min(...bounds);
  return (v) => {
    const x = read(v);
    if (x === undefined) return false;
    switch (op) {
      case 'lt':
        return x < max;
      case 'lte':
        return x <= max;
      case 'gt':
        return x > min;
      default:
        return x >= min;
    }
  };
}

function semverPredicate(op: Operator, versions: readonly Semver[]): Predicate {
  const accept =
    op === 'semverEq'
      ? (c: number) => c === 0
      : op === 'semverLt'
        ? (c: number) => c < 0
        : op === 'semverLte'
          ? (c: number) => c <= 0
          : op === 'semverGt'
            ? (c: number) => c > 0
            : (c: number) => c >= 0;
  return (v) => {
    const x = parseSemver(v);
    if (x === undefined) return false;
    for (let i = 0; i < versions.length; i++) if (accept(compareSemver(x, versions[i]!))) return true;
    return false;
  };
}

/**
 * The top-level attribute and values of a plain "attribute is one of these strings" clause
 * (case-sensitive, not negated), which rule runs can index; undefined for any other clause.
 */
export function stringListClause(c: CompiledClause): { attribute: string; values: readonly string[] } | undefined {
  return c.kind === IN_STRINGS && !c.negate && typeof c.ref === 'string' ? { attribute: c.ref, values: c.list } : undefined;
}
