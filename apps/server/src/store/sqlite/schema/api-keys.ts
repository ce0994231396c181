import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { ApiKeyKind } from '../../store.js';
import { environments } from './projects.js';

/**
 * API keys. Only a SHA-256 hash of the secret is stored; `prefix` (the first characters of the
 * secret, not secret themselves) finds the row. Admin keys belong to no environment; SDK keys
 * (server, client) to exactly one.
 */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').$type<ApiKeyKind>().notNull(),
    name: text('name').notNull(),
    environmentId: integer('environment_id').references(() => environments.id, { onDelete: 'cascade' }),
    prefix: text('prefix').notNull().unique(),
    secretHash: text('secret_hash').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('api_keys_environment').on(t.environmentId),
    check('api_keys_kind', sql`${t.kind} in ('admin', 'server', 'client')`),
    check('api_keys_scope', sql`(${t.kind} = 'admin') = (${t.environmentId} is null)`),
  ],
);
