/**
 * The operators the client interpreter knows without `init.operators` (docs/evaluation.md §5): the
 * compiled evaluator's `basicOperators`. Unlike an OperatorFactory they build nothing per clause (an
 * SDK holding 1,000 flags would otherwise keep a closure for each of their clauses), and they are one
 * function rather than a table of closures, for size; `exists` and `segmentMatch` are part of the
 * clause itself (client-rules.ts).
 */

/** The type of an operator's values and attributes: a string, finite number or boolean; a string; a finite number. */
export type OperandType = 0 | 1 | 2;

/** The operand type of a built-in operator, undefined for any other name (`toString` included). */
export const builtIn = (op: unknown): OperandType | undefined =>
  op === 'in'
    ? 0
    : /^(contains|startsWith|endsWith)$/.test(op as string)
      ? 1
      : /^[lg]te?$/.test(op as string)
        ? 2
        : undefined;

/**
 * Whether `x` is of operand type `type`: every clause value must be (else the clause is malformed),
 * and an attribute value that is not never satisfies the clause.
 */
export const ofType = (type: OperandType, x: unknown): boolean =>
  type === 1
    ? typeof x === 'string'
    : Number.isFinite(x) || (!type && (typeof x === 'string' || typeof x === 'boolean'));

/**
 * Whether attribute value `v` satisfies built-in operator `op` (of operand type `type`) against clause
 * value `x`, both of that type. `===` compares numbers numerically (1 = 1.0) and never equates values of
 * different types; `lte` and `gte` are the names with a third letter.
 */
export const compare = (op: string, type: OperandType, v: never, x: never): boolean =>
  type === 1
    ? (v as string)[op === 'contains' ? 'includes' : (op as 'startsWith')](x)
    : type
      ? (op[0] === 'l' ? v < x : v > x) || (!!op[2] && v === x)
      : v === x;

/** Strings lower-cased for case-insensitive comparison (§5); anything else as is. */
export const fold = (x: unknown, caseInsensitive: unknown): unknown =>
  caseInsensitive && typeof x === 'string' ? x.toLowerCase() : x;
