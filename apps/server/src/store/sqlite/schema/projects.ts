import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** A project groups flags (defined once) and their environments. */
export const projects = sqliteTable('projects', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * An environment of a project (development, staging, production…). `revision` is the environment's
 * monotonic change counter: every commit of a flag config or segment in it adds exactly one, in the
 * same transaction that appends the matching `change_log` row (see store/sqlite/sqlite-store.ts).
 */
export const environments = sqliteTable(
  'environments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    revision: integer('revision').notNull().default(0),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('environments_project_key').on(t.projectId, t.key)],
);
