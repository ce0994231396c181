import { cidrContains, parseCidr } from './cidr.js';
import { anyString, type OperatorSet, parsedValues } from './operator.js';

/** `cidr` (docs/evaluation.md §5.4). */
export const cidrOperators: OperatorSet = {
  cidr: (values, path) => {
    const blocks = parsedValues(values, path, 'CIDR block', (v) =>
      typeof v === 'string' ? parseCidr(v) : undefined,
    );
    return anyString(blocks, (s, block) => cidrContains(block, s));
  },
};
