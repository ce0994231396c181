/**
 * Whether an `If-None-Match` header matches `tag` (a quoted entity tag such as `"42-abc"`): one of
 * its comma-separated tags equals it, compared weakly (a `W/` prefix is ignored, RFC 9110 §13.1.2),
 * or it is `*`. Absent or empty: false.
 *
 * @example ifNoneMatches('W/"41-x", "42-abc"', '"42-abc"') // → true
 */
export function ifNoneMatches(header: string | undefined, tag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === tag);
}
