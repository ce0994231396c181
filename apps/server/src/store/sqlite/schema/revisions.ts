import type { JsonValue } from '@ensign/core';
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { ChangeLogEntry, RevisionEntityKind } from '../../store.js';
import { environments, projects } from './projects.js';

/**
 * Immutable history: one row per change of one entity (a trigger rejects UPDATE and DELETE).
 * `before`/`after` are the whole documents; null `before` = created, null `after` = deleted.
 * `environmentRevision` is the environment counter value the change was committed under
 * (null for project-level flag definitions).
 */
export const revisions = sqliteTable(
  'revisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    environmentId: integer('environment_id').references(() => environments.id),
    entityKind: text('entity_kind').$type<RevisionEntityKind>().notNull(),
    entityKey: text('entity_key').notNull(),
    version: integer('version').notNull(),
    environmentRevision: integer('environment_revision'),
    actor: text('actor').notNull(),
    comment: text('comment'),
    before: text('before', { mode: 'json' }).$type<JsonValue>(),
    after: text('after', { mode: 'json' }).$type<JsonValue>(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('revisions_entity').on(t.projectId, t.entityKind, t.entityKey, t.id),
    index('revisions_environment').on(t.environmentId, t.id),
    check('revisions_entity_kind', sql`${t.entityKind} in ('flag', 'flag_config', 'segment')`),
  ],
);

/**
 * What changed at each revision of an environment: the stream's source (the next issue). Exactly one
 * row per environment revision, written in the transaction that bumped the counter; the primary key
 * makes a duplicate revision number impossible.
 */
export const changeLog = sqliteTable(
  'change_log',
  {
    environmentId: integer('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    changes: text('changes', { mode: 'json' }).$type<ChangeLogEntry['changes']>().notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.environmentId, t.revision] })],
);
