import { fail } from '../compile-error.js';
import { readString } from '../config-reader.js';
import { anyString, type OperatorSet } from './operator.js';
import { compilePattern, type Pattern } from './regex.js';

/** `matches` with the linear-time pattern engine (docs/evaluation.md §5.1). */
export const patternOperators: OperatorSet = {
  matches: (values, path, ci) => {
    const patterns = values.map((v, i): Pattern => {
      const p = `${path}[${i}]`;
      try {
        return compilePattern(readString(v, p, false), ci);
      } catch (e) {
        return fail(p, `invalid pattern: ${(e as Error).message}`);
      }
    });
    return anyString(patterns, (s, p) => p.test(s));
  },
};
