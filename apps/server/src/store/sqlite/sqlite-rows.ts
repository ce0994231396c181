/**
 * Hand-written SELECT lists and row mappers for the queries the store runs as raw prepared
 * statements (see sqlite-statements.ts). They turn SQLite values into exactly what the drizzle
 * schema (schema/*.ts) reads: `timestamp_ms` integers into `Date`s, `json` text parsed, `boolean`
 * integers into booleans. Hot path: rows are converted in place, no copies.
 */
import type { Flag, JsonValue, Segment } from '@ensign/core';
import type {
  ApiKeyRecord,
  ChangeLogEntry,
  Environment,
  FlagDefinition,
  Project,
  Revision,
} from '../store.js';

/** A row as better-sqlite3 returns it: column aliases as keys, SQLite values. */
type Row = Record<string, unknown>;

const toDate = (value: unknown): Date => new Date(value as number);
const toDateOrNull = (value: unknown): Date | null => (value === null ? null : new Date(value as number));
const parseOrNull = (value: unknown): JsonValue | null =>
  value === null ? null : (JSON.parse(value as string) as JsonValue);

export const projectColumns = 'id, key, name, created_at AS createdAt';

export function toProject(row: Row): Project {
  row.createdAt = toDate(row.createdAt);
  return row as unknown as Project;
}

export const environmentColumns = 'id, project_id AS projectId, key, name, revision, created_at AS createdAt';

export function toEnvironment(row: Row): Environment {
  row.createdAt = toDate(row.createdAt);
  return row as unknown as Environment;
}

export const flagColumns =
  'id, project_id AS projectId, key, name, description, type, variations, tags, owner, temporary, ' +
  'archived_at AS archivedAt, version, created_at AS createdAt, updated_at AS updatedAt';

export function toFlagDefinition(row: Row): FlagDefinition {
  row.variations = JSON.parse(row.variations as string);
  row.tags = JSON.parse(row.tags as string);
  // drizzle's boolean mode reads `Number(value) === 1`.
  row.temporary = Number(row.temporary) === 1;
  row.archivedAt = toDateOrNull(row.archivedAt);
  row.createdAt = toDate(row.createdAt);
  row.updatedAt = toDate(row.updatedAt);
  return row as unknown as FlagDefinition;
}

export const apiKeyColumns =
  'id, kind, name, environment_id AS environmentId, prefix, secret_hash AS secretHash, ' +
  'created_at AS createdAt, revoked_at AS revokedAt';

export function toApiKey(row: Row): ApiKeyRecord {
  row.createdAt = toDate(row.createdAt);
  row.revokedAt = toDateOrNull(row.revokedAt);
  return row as unknown as ApiKeyRecord;
}

export const revisionColumns =
  'id, project_id AS projectId, environment_id AS environmentId, entity_kind AS entityKind, ' +
  'entity_key AS entityKey, version, environment_revision AS environmentRevision, actor, comment, ' +
  '"before", "after", created_at AS createdAt';

export function toRevision(row: Row): Revision {
  row.before = parseOrNull(row.before);
  row.after = parseOrNull(row.after);
  row.createdAt = toDate(row.createdAt);
  return row as unknown as Revision;
}

export const changeLogColumns = 'environment_id AS environmentId, revision, changes, created_at AS createdAt';

export function toChangeLogEntry(row: Row): ChangeLogEntry {
  row.changes = JSON.parse(row.changes as string);
  row.createdAt = toDate(row.createdAt);
  return row as unknown as ChangeLogEntry;
}

/** A `config` column (flag_configs, segments): the document as stored. */
export function toDocument<T extends Flag | Segment>(row: { config: string }): T {
  return JSON.parse(row.config) as T;
}
