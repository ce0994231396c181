import { type CompiledFlag, compileFlag as compileFlagWith } from './flag.js';
import { allOperators } from './operators/all-operators.js';
import { createRulesetWith, type Ruleset, type RulesetInit } from './ruleset.js';
import { type CompiledSegment, compileSegment as compileSegmentWith } from './segment.js';

/**
 * Compiles flags and segments, with every operator, into a {@link Ruleset}. Malformed entries do
 * not stop the others: they are reported by `problems()` and evaluate to MALFORMED_FLAG.
 *
 * @example
 * const rules = createRuleset({ flags: snapshot.flags, segments: snapshot.segments });
 * const { value, reason } = rules.evaluate('new-checkout', { key: 'user-42', country: 'DE' }, false, 'boolean');
 * // Hashed key lists (a client payload): createRuleset({ flags, segments, lookupKey: (key) => hashContextKey(salt, key) })
 */
export function createRuleset(init?: RulesetInit): Ruleset {
  return createRulesetWith(allOperators, init);
}

/** Compiles and validates one flag with every operator; throws CompileError naming the path. */
export function compileFlag(raw: unknown): CompiledFlag {
  return compileFlagWith(raw, allOperators);
}

/** Compiles and validates one segment with every operator; throws CompileError naming the path. */
export function compileSegment(raw: unknown): CompiledSegment {
  return compileSegmentWith(raw, allOperators);
}
