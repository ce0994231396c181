/**
 * Segments of one environment: reusable sets of contexts used by `segmentMatch` clauses. A segment
 * must compile and only use segments that exist; one still in use cannot be deleted.
 */
import type { Segment } from '@ensign/core';
import { segmentSchema } from '@ensign/core/schema';
import type { Environment, SegmentBody, Store } from '../store/store.js';
import { DomainError, type Issue } from './domain-error.js';
import type { WriteContext } from './flag-definitions.js';
import { requireRevision } from './revisions.js';
import { segmentReferenceIssues, usersOfSegment } from './segment-references.js';

/** A segment as sent in a PUT body: `key` and `version` may be omitted (the URL and If-Match say them). */
export type SegmentDocument = SegmentBody & { key?: string; version?: number };

/**
 * Creates or replaces a segment. Replacing needs `If-Match` (428 without); creating accepts none or
 * `"0"`. Resolves whether it was created.
 */
export async function putSegment(
  store: Store,
  env: Environment,
  key: string,
  body: SegmentDocument,
  ifVersion: number | undefined,
  by: WriteContext,
): Promise<{ segment: Segment; created: boolean }> {
  const { key: bodyKey, version: _version, ...segment } = body;
  const issues: Issue[] = [];
  if (bodyKey !== undefined && bodyKey !== key)
    issues.push({ path: 'key', message: `must be "${key}" (the segment in the URL)` });
  const compiled = segmentSchema.safeParse({ ...segment, key, version: 1 });
  if (!compiled.success)
    issues.push(
      ...compiled.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    );
  if (issues.length > 0)
    throw new DomainError('invalid', 'invalid_body', 'The request body is invalid', { issues });

  const all = await store.listSegments(env.id);
  const existing = all.find((s) => s.key === key);
  if (existing !== undefined && ifVersion === undefined) {
    throw new DomainError(
      'precondition_required',
      'precondition_required',
      'This segment exists: send If-Match with the ETag you read',
      {
        currentVersion: existing.version,
      },
    );
  }
  const refIssues = segmentReferenceIssues(key, segment, all);
  if (refIssues.length > 0)
    throw new DomainError('invalid', 'invalid_body', 'The segment uses segments it cannot use', {
      issues: refIssues,
    });

  const result = await store.commit({
    environmentId: env.id,
    ...by,
    changes: [{ kind: 'segment', key, config: segment, ifVersion: ifVersion ?? 0 }],
  });
  return {
    segment: { ...segment, key, version: result.changes[0]!.version },
    created: existing === undefined,
  };
}

/** Deletes a segment no flag or segment of its environment uses (409 `in_use` otherwise). */
export async function deleteSegment(
  store: Store,
  env: Environment,
  key: string,
  ifVersion: number | undefined,
  by: WriteContext,
): Promise<void> {
  const [flags, segments] = await Promise.all([store.listFlagConfigs(env.id), store.listSegments(env.id)]);
  if (!segments.some((s) => s.key === key))
    throw new DomainError(
      'not_found',
      'not_found',
      `segment "${key}" does not exist in environment "${env.key}"`,
    );
  const users = usersOfSegment(key, flags, segments);
  if (users.flags.length + users.segments.length > 0) {
    throw new DomainError('conflict', 'in_use', `segment "${key}" is in use`, {
      issues: [
        ...users.flags.map((f) => ({ path: `flags.${f}`, message: `flag "${f}" uses it` })),
        ...users.segments.map((s) => ({ path: `segments.${s}`, message: `segment "${s}" uses it` })),
      ],
    });
  }
  await store.commit({
    environmentId: env.id,
    ...by,
    changes: [{ kind: 'segment', key, config: null, ...(ifVersion !== undefined && { ifVersion }) }],
  });
}

/** Restores the segment `version` had, as a new revision. */
export async function revertSegment(
  store: Store,
  env: Environment,
  key: string,
  version: number,
  ifVersion: number | undefined,
  by: WriteContext,
): Promise<Segment> {
  const revision = await requireRevision(store, env, 'segment', key, version);
  if (revision.after === null)
    throw new DomainError(
      'invalid',
      'invalid_body',
      `version ${version} is a deletion and cannot be restored`,
    );
  const current = await store.getSegment(env.id, key);
  const { segment } = await putSegment(
    store,
    env,
    key,
    revision.after as unknown as SegmentDocument,
    ifVersion ?? current?.version ?? 0,
    { ...by, comment: by.comment ?? `revert to version ${version}` },
  );
  return segment;
}
