import { fail } from '../compile-error.js';
import type { Operator } from '../model.js';

/** Tests one non-null, non-array attribute value against a clause's values. Never throws. */
export type Predicate = (value: unknown) => boolean;

/**
 * Builds the predicate of one operator from a clause's values, validating them; throws
 * CompileError naming `path` (the clause's `values`) when one is of the wrong type.
 */
export type OperatorFactory = (
  values: readonly unknown[],
  path: string,
  caseInsensitive: boolean,
) => Predicate;

/**
 * The attribute operators a ruleset can compile. `exists` and `segmentMatch` are built in; the
 * rest come in packs so that a browser build carries only the ones it needs.
 */
export type OperatorSet = Partial<Record<Exclude<Operator, 'exists' | 'segmentMatch'>, OperatorFactory>>;

/** Parses every value with `parse`, failing with `what` when one does not parse. */
export function parsedValues<T>(
  values: readonly unknown[],
  path: string,
  what: string,
  parse: (v: unknown) => T | undefined,
): T[] {
  return values.map((v, i) => {
    const out = parse(v);
    if (out === undefined) fail(`${path}[${i}]`, `invalid ${what} ${JSON.stringify(v) ?? String(v)}`);
    return out;
  });
}

/**
 * An ordering predicate: "x < any value" is "x < the largest value", and so on. `read` turns an
 * attribute into a comparable number, or undefined when it is of the wrong type.
 */
export function thresholdPredicate(
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
    return op === 'lt' ? x < max : op === 'lte' ? x <= max : op === 'gt' ? x > min : x >= min;
  };
}

/** A predicate true when `test(attribute, parsedValue)` holds for any of `parsed`; strings only. */
export function anyString<T>(parsed: readonly T[], test: (s: string, value: T) => boolean): Predicate {
  return (v) => {
    if (typeof v !== 'string') return false;
    for (let i = 0; i < parsed.length; i++) if (test(v, parsed[i]!)) return true;
    return false;
  };
}
