import type { OperatorSet, Predicate } from './operator.js';
import { parsedValues } from './operator.js';
import { compareSemver, parseSemver } from './semver.js';

function semver(accept: (comparison: number) => boolean) {
  return (values: readonly unknown[], path: string): Predicate => {
    const versions = parsedValues(values, path, 'semantic version', parseSemver);
    return (v) => {
      const x = parseSemver(v);
      if (x === undefined) return false;
      for (let i = 0; i < versions.length; i++) if (accept(compareSemver(x, versions[i]!))) return true;
      return false;
    };
  };
}

/** `semverEq`, `semverLt`, `semverLte`, `semverGt`, `semverGte` (docs/evaluation.md §5.3). */
export const semverOperators: OperatorSet = {
  semverEq: semver((c) => c === 0),
  semverLt: semver((c) => c < 0),
  semverLte: semver((c) => c <= 0),
  semverGt: semver((c) => c > 0),
  semverGte: semver((c) => c >= 0),
};
