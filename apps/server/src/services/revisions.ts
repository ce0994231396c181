/**
 * The history of one entity in one environment (a flag's config or a segment): its revisions newest
 * first, one version, and the difference between two versions as an RFC 6902 JSON Patch.
 */
import type { JsonValue } from '@ensign/core';
import jsonPatch from 'fast-json-patch';
import type { Environment, Revision, Store } from '../store/store.js';
import { DomainError } from './domain-error.js';

export type EnvironmentEntityKind = 'flag_config' | 'segment';

const nouns: Record<EnvironmentEntityKind, string> = { flag_config: 'flag', segment: 'segment' };

export function listEntityRevisions(
  store: Store,
  env: Environment,
  kind: EnvironmentEntityKind,
  key: string,
  page: { limit: number; beforeVersion?: number },
): Promise<Revision[]> {
  return store.listRevisions({
    projectId: env.projectId,
    environmentId: env.id,
    entityKind: kind,
    entityKey: key,
    limit: page.limit,
    ...(page.beforeVersion !== undefined && { beforeVersion: page.beforeVersion }),
  });
}

export async function requireRevision(
  store: Store,
  env: Environment,
  kind: EnvironmentEntityKind,
  key: string,
  version: number,
): Promise<Revision> {
  const [revision] = await store.listRevisions({
    projectId: env.projectId,
    environmentId: env.id,
    entityKind: kind,
    entityKey: key,
    version,
    limit: 1,
  });
  if (revision === undefined)
    throw new DomainError(
      'not_found',
      'not_found',
      `${nouns[kind]} "${key}" has no version ${version} in environment "${env.key}"`,
    );
  return revision;
}

export interface RevisionDiff {
  from: number;
  to: number;
  /** RFC 6902 operations that turn version `from`'s document into version `to`'s. */
  patch: Array<{ op: string; path: string; value?: JsonValue; from?: string }>;
}

/**
 * The JSON Patch from version `from` to version `to` (default: the current version). A version that
 * was a deletion compares as an empty document.
 */
export async function diffRevisions(
  store: Store,
  env: Environment,
  kind: EnvironmentEntityKind,
  key: string,
  from: number,
  to: number | undefined,
): Promise<RevisionDiff> {
  const older = await requireRevision(store, env, kind, key, from);
  let newer: Revision;
  if (to === undefined) {
    const [latest] = await listEntityRevisions(store, env, kind, key, { limit: 1 });
    newer = latest ?? older;
  } else {
    newer = await requireRevision(store, env, kind, key, to);
  }
  const patch = jsonPatch.compare(documentOf(older), documentOf(newer)) as RevisionDiff['patch'];
  return { from: older.version, to: newer.version, patch };
}

function documentOf(revision: Revision): object {
  const doc = revision.after ?? {};
  return typeof doc === 'object' && doc !== null ? doc : {};
}
