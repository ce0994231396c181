import { basicOperators } from './basic-operators.js';
import { cidrOperators } from './cidr-operators.js';
import { dateOperators } from './date-operators.js';
import type { OperatorSet } from './operator.js';
import { patternOperators } from './pattern-operators.js';
import { semverOperators } from './semver-operators.js';

/** Every operator of docs/evaluation.md §5: what servers and Node SDKs use. */
export const allOperators: OperatorSet = {
  ...basicOperators,
  ...patternOperators,
  ...dateOperators,
  ...semverOperators,
  ...cidrOperators,
};
