/**
 * What an SDK key may see of an environment, and how two views differ.
 *
 * - A **server** key sees every flag that is not archived, and every segment.
 * - A **client** key (public, in browsers) sees only flags marked `clientSide`, and the segments
 *   they use (directly or through other segments). Individual-target keys and segment
 *   included/excluded keys are replaced by salted hashes (`hashKey`), so no user key is sent in
 *   clear text; the core evaluates hashed lists (docs/evaluation.md).
 */
import type { Clause, Flag, Segment } from '@ensign/core';

/** The flags and segments an environment serves at one revision (archived flags left out). */
export interface EnvironmentState {
  revision: number;
  flags: Map<string, Flag>;
  segments: Map<string, Segment>;
}

/** What one audience sees: documents by key. */
export interface View {
  flags: ReadonlyMap<string, Flag>;
  segments: ReadonlyMap<string, Segment>;
}

/** The difference between two views: documents to (re)place and keys to drop. */
export interface ViewChange {
  flags: Flag[];
  segments: Segment[];
  deleted: { flags: string[]; segments: string[] };
}

export type Audience = 'server' | 'client';

export function serverView(state: EnvironmentState): View {
  return state;
}

/** Segment keys named by `segmentMatch` clauses of rules. */
function segmentKeysUsed(rules: ReadonlyArray<{ clauses: Clause[] }> | undefined, into: Set<string>): void {
  for (const rule of rules ?? [])
    for (const clause of rule.clauses)
      if (clause.op === 'segmentMatch')
        for (const value of clause.values) if (typeof value === 'string') into.add(value);
}

/**
 * The client view. `hashed` caches the hashed form of each document (by object identity), so a
 * change re-hashes only what changed.
 */
export function clientView(
  state: EnvironmentState,
  hashKey: (key: string) => string,
  hashed: WeakMap<object, Flag | Segment>,
): View {
  const flags = new Map<string, Flag>();
  const wanted = new Set<string>();
  for (const [key, flag] of state.flags) {
    if (flag.clientSide !== true) continue;
    flags.set(
      key,
      cached(hashed, flag, () => hashFlag(flag, hashKey)),
    );
    segmentKeysUsed(flag.rules, wanted);
  }
  const segments = new Map<string, Segment>();
  for (const key of wanted) {
    const segment = state.segments.get(key);
    if (segment === undefined || segments.has(key)) continue;
    segments.set(
      key,
      cached(hashed, segment, () => hashSegment(segment, hashKey)),
    );
    const nested = new Set<string>();
    segmentKeysUsed(segment.rules, nested);
    for (const k of nested) if (!segments.has(k)) wanted.add(k); // Set iteration visits added keys
  }
  return { flags, segments };
}

function cached<T extends Flag | Segment>(cache: WeakMap<object, Flag | Segment>, doc: T, make: () => T): T {
  let out = cache.get(doc) as T | undefined;
  if (out === undefined) {
    out = make();
    cache.set(doc, out);
  }
  return out;
}

function hashFlag(flag: Flag, hashKey: (key: string) => string): Flag {
  if (flag.targets === undefined) return flag;
  return {
    ...flag,
    targets: flag.targets.map((t) => ({ variation: t.variation, values: t.values.map(hashKey) })),
  };
}

function hashSegment(segment: Segment, hashKey: (key: string) => string): Segment {
  const out: Segment = { ...segment };
  if (segment.included !== undefined) out.included = segment.included.map(hashKey);
  if (segment.excluded !== undefined) out.excluded = segment.excluded.map(hashKey);
  return out;
}

/** What changed from `before` to `after`. Documents are compared by version: same version, same content. */
export function diffViews(before: View, after: View): ViewChange {
  const change: ViewChange = { flags: [], segments: [], deleted: { flags: [], segments: [] } };
  for (const [key, doc] of after.flags)
    if (before.flags.get(key)?.version !== doc.version) change.flags.push(doc);
  for (const key of before.flags.keys()) if (!after.flags.has(key)) change.deleted.flags.push(key);
  for (const [key, doc] of after.segments)
    if (before.segments.get(key)?.version !== doc.version) change.segments.push(doc);
  for (const key of before.segments.keys()) if (!after.segments.has(key)) change.deleted.segments.push(key);
  return change;
}

export function isEmptyChange(change: ViewChange): boolean {
  return (
    change.flags.length +
      change.segments.length +
      change.deleted.flags.length +
      change.deleted.segments.length ===
    0
  );
}
