/**
 * Versions for the `semver*` operators (docs/evaluation.md §5.3).
 * @module
 */

/** A parsed version. Build metadata is not kept: it never affects precedence. */
export interface Semver {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers: numeric ones as numbers, the others as strings. Empty for a release. */
  pre: readonly (string | number)[];
}

// MAJOR[.MINOR[.PATCH]][-PRE][+BUILD]. Numeric identifiers have no leading zeros; an alphanumeric
// pre-release identifier contains a non-digit. `$` (no `m` flag) only matches at the very end.
const RE =
  /^(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?)?(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][\dA-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][\dA-Za-z-]*))*))?(?:\+[\dA-Za-z-]+(?:\.[\dA-Za-z-]+)*)?$/;
const DIGITS = /^\d+$/;

/**
 * Parses a version per docs/evaluation.md §5.3: Semantic Versioning 2.0.0 where a missing minor or
 * patch counts as 0 (`"2"` = `"2.0.0"`, `"2.1-beta"` = `"2.1.0-beta"`) and build metadata is dropped.
 * No leading `v`, no whitespace, no leading zeros in numeric identifiers (pre-release ones too), and
 * every numeric identifier (pre-release ones too) must be a safe integer.
 *
 * @returns the version, or `undefined` if `input` is not a string in that form. Never throws.
 */
export function parseSemver(input: unknown): Semver | undefined {
  const m = typeof input === 'string' ? RE.exec(input) : null;
  if (!m) return undefined;
  const pre = m[4] ? m[4].split('.').map((id) => (DIGITS.test(id) ? +id : id)) : [];
  const v: Semver = { major: +m[1]!, minor: +(m[2] ?? 0), patch: +(m[3] ?? 0), pre };
  for (const n of [v.major, v.minor, v.patch, ...pre]) {
    if (typeof n === 'number' && !Number.isSafeInteger(n)) return undefined;
  }
  return v;
}

/**
 * Compares two versions by SemVer 2.0.0 precedence (§11): major, minor, patch numerically; a
 * pre-release sorts before its release; pre-release identifiers compare numerically when both are
 * numeric, in ASCII order when both are alphanumeric, numeric before alphanumeric; when one list is
 * a prefix of the other, the longer one is greater.
 *
 * @returns a negative number if `a` < `b`, 0 if they have the same precedence, positive if `a` > `b`.
 */
export function compareSemver(a: Semver, b: Semver): number {
  const d = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (d) return d;
  const p = a.pre;
  const q = b.pre;
  // A release (no identifiers) is greater than any of its pre-releases.
  if (!p.length || !q.length) return q.length - p.length;
  for (let i = 0; i < p.length && i < q.length; i++) {
    const x = p[i]!;
    const y = q[i]!;
    if (x !== y) {
      const xn = typeof x === 'number';
      // Mixed: the numeric one is lower. Same kind: `<` is numeric or UTF-16 (= ASCII) order.
      return xn !== (typeof y === 'number') ? (xn ? -1 : 1) : x < y ? -1 : 1;
    }
  }
  return p.length - q.length;
}
