/**
 * @ensign/core — the Ensign flag model, compiler, evaluator and bucketing.
 * Zero runtime dependencies and no host APIs: safe for browsers, Node and edge runtimes.
 * The zod schemas live behind `@ensign/core/schema` so this entry stays small.
 */

export { BUCKETS, bucket, murmur3 } from './bucketing.js';
export { CompileError } from './compile-error.js';
export { compileFlag, compileSegment, createRuleset } from './default-ruleset.js';
export { MAX_DEPTH } from './evaluator.js';
export { hashContextKey } from './key-hash.js';
export type {
  Clause,
  Context,
  ErrorKind,
  Evaluation,
  Flag,
  FlagType,
  JsonValue,
  Operator,
  Prerequisite,
  Reason,
  ReasonKind,
  Rollout,
  Rule,
  Segment,
  SegmentRule,
  Serve,
  Target,
  WeightedVariation,
} from './model.js';
export { OPERATORS } from './model.js';
export { type OpenFeatureErrorCode, type OpenFeatureReason, toOpenFeatureReason } from './openfeature.js';
export { allOperators } from './operators/all-operators.js';
export { basicOperators } from './operators/basic-operators.js';
export { cidrOperators } from './operators/cidr-operators.js';
export { dateOperators } from './operators/date-operators.js';
export type { OperatorFactory, OperatorSet, Predicate } from './operators/operator.js';
export { patternOperators } from './operators/pattern-operators.js';
export { semverOperators } from './operators/semver-operators.js';
export { type CompileProblem, createRulesetWith, type Ruleset, type RulesetInit } from './ruleset.js';
