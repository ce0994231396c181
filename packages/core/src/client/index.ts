/**
 * @ensign/core/client — the browser's evaluator: flags and segments of a client payload evaluated by
 * interpreting them (docs/evaluation.md §10), with the compiled evaluator's results
 * in far fewer bytes. No dependencies and no imports of the compiler. The structural checks of §2 are
 * opt-in (`clientChecks`), so bundles that trust their payload do not contain them.
 */

export type { ErrorKind, Evaluation, FlagType, JsonValue, Reason } from '../model.js';
export type { OperatorFactory, OperatorSet, Predicate } from '../operators/operator.js';
export { clientChecks } from './client-check.js';
export { hashContextKey } from './client-key-hash.js';
export {
  type ClientChecks,
  type ClientRules,
  type ClientRulesInit,
  createClientRules,
} from './client-rules.js';
