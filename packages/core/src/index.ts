/**
 * @ensign/core — the Ensign flag model, compiler, evaluator and bucketing.
 * Zero runtime dependencies and no host APIs: safe for browsers, Node and edge runtimes.
 * The zod schemas live behind `@ensign/core/schema` so this entry stays small.
 */
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
export { BUCKETS, bucket, murmur3 } from './bucketing.js';
export { CompileError } from './compile-error.js';
export { compileFlag } from './flag.js';
export { compileSegment } from './segment.js';
export { MAX_DEPTH } from './evaluator.js';
export { createRuleset, type CompileProblem, type Ruleset } from './ruleset.js';
export { type OpenFeatureErrorCode, type OpenFeatureReason, toOpenFeatureReason } from './openfeature.js';
