import type { Flag, FlagType, JsonValue, Segment } from '@ensign/core';
import { sql } from 'drizzle-orm';
import { check, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { environments, projects } from './projects.js';

/**
 * A flag's project-level definition: what it is, not how it is configured. Its per-environment
 * configuration lives in `flag_configs`. `version` counts changes to this definition (ETag).
 */
export const flags = sqliteTable(
  'flags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    type: text('type').$type<FlagType>().notNull(),
    variations: text('variations', { mode: 'json' }).$type<JsonValue[]>().notNull(),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    owner: text('owner'),
    /** Temporary flags (releases, experiments) are expected to be removed; permanent ones are not. */
    temporary: integer('temporary', { mode: 'boolean' }).notNull().default(true),
    /** Set when archived; archived flags keep their history but are no longer served. */
    archivedAt: integer('archived_at', { mode: 'timestamp_ms' }),
    version: integer('version').notNull().default(1),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('flags_project_key').on(t.projectId, t.key),
    check('flags_type', sql`${t.type} in ('boolean', 'string', 'number', 'json')`),
  ],
);

/** A flag's configuration in one environment: the core's `Flag` document, whose `version` mirrors the column. */
export const flagConfigs = sqliteTable(
  'flag_configs',
  {
    environmentId: integer('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    flagId: integer('flag_id')
      .notNull()
      .references(() => flags.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    config: text('config', { mode: 'json' }).$type<Flag>().notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.environmentId, t.flagId] })],
);

/** A segment of one environment: the core's `Segment` document, whose `version` mirrors the column. */
export const segments = sqliteTable(
  'segments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environmentId: integer('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    version: integer('version').notNull(),
    config: text('config', { mode: 'json' }).$type<Segment>().notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('segments_environment_key').on(t.environmentId, t.key)],
);
