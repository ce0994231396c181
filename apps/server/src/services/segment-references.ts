/**
 * Which segments a flag config or a segment refers to (`segmentMatch` clauses). A config must not
 * refer to a segment its environment lacks, and a segment still referred to must not be deleted:
 * either would make flags evaluate differently from what their editors see.
 */
import type { Clause, Flag, Segment } from '@ensign/core';
import type { FlagConfigBody, SegmentBody } from '../store/store.js';
import type { Issue } from './domain-error.js';

/** Segment keys used by the clauses of `doc`, with the path of each use. */
export function segmentUses(doc: FlagConfigBody | SegmentBody): Array<{ key: string; path: string }> {
  const uses: Array<{ key: string; path: string }> = [];
  (doc.rules ?? []).forEach((rule: { clauses: Clause[] }, r: number) => {
    rule.clauses.forEach((clause, c) => {
      if (clause.op !== 'segmentMatch') return;
      clause.values.forEach((value, v) => {
        if (typeof value === 'string') uses.push({ key: value, path: `rules.${r}.clauses.${c}.values.${v}` });
      });
    });
  });
  return uses;
}

/** An issue for every use of a segment that is not in `existing`. */
export function missingSegmentIssues(
  doc: FlagConfigBody | SegmentBody,
  existing: ReadonlySet<string>,
): Issue[] {
  return segmentUses(doc)
    .filter((use) => !existing.has(use.key))
    .map((use) => ({ path: use.path, message: `segment "${use.key}" does not exist in this environment` }));
}

/** The flags and segments of an environment that use segment `key`. */
export function usersOfSegment(
  key: string,
  flags: readonly Flag[],
  segments: readonly Segment[],
): { flags: string[]; segments: string[] } {
  const uses = (doc: FlagConfigBody | SegmentBody) => segmentUses(doc).some((use) => use.key === key);
  return {
    flags: flags.filter(uses).map((f) => f.key),
    segments: segments.filter((s) => s.key !== key && uses(s)).map((s) => s.key),
  };
}

/**
 * Problems with the segments a segment `key` would use once it is `doc`: ones that do not exist, and
 * any use that leads back to `key` (directly or through other segments), which could never evaluate.
 */
export function segmentReferenceIssues(key: string, doc: SegmentBody, all: readonly Segment[]): Issue[] {
  const byKey = new Map(all.map((s) => [s.key, s]));
  const leadsBack = (start: string): boolean => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (next === key) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      const segment = byKey.get(next);
      if (segment !== undefined) stack.push(...segmentUses(segment).map((u) => u.key));
    }
    return false;
  };
  return segmentUses(doc).flatMap((use) => {
    if (use.key !== key && !byKey.has(use.key))
      return [{ path: use.path, message: `segment "${use.key}" does not exist in this environment` }];
    if (leadsBack(use.key)) return [{ path: use.path, message: `using segment "${use.key}" makes a cycle` }];
    return [];
  });
}
