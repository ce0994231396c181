import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { type MigrationMeta, readMigrationFiles } from 'drizzle-orm/migrator';

/**
 * The committed drizzle-kit migrations (apps/server/drizzle): the nearest `drizzle/` holding a
 * journal, looking up from this module. This module is src/store/sqlite/ when run from sources and
 * tsc's output, but dist/ once bundled into dist/main.js (scripts/bundle.mjs), so no fixed relative
 * path fits both.
 */
export const migrationsFolder = findMigrationsFolder(new URL('.', import.meta.url));

function findMigrationsFolder(from: URL): string {
  for (let dir = from; ; ) {
    const candidate = new URL('drizzle/', dir);
    if (existsSync(new URL('meta/_journal.json', candidate))) return fileURLToPath(candidate);
    const parent = new URL('..', dir);
    if (parent.href === dir.href)
      throw new Error(`no drizzle/meta/_journal.json above ${fileURLToPath(from)}`);
    dir = parent;
  }
}

/** drizzle's own bookkeeping table, kept identical so `drizzle-kit migrate` and this agree. */
const table = '__drizzle_migrations';

/** Reads the migration files (SQL split at drizzle's statement breakpoints, with hashes). */
export function readMigrations(folder = migrationsFolder): MigrationMeta[] {
  return readMigrationFiles({ migrationsFolder: folder });
}

/**
 * Applies the migrations newer than the last applied one, all in one transaction, and returns how
 * many ran. Differs from drizzle's migrator in two ways that matter in production:
 * - `BEGIN IMMEDIATE` takes the write lock before reading what is applied, so two processes starting
 *   at once on one database serialise instead of both applying the same migration;
 * - foreign keys are off while migrating (SQLite ignores that pragma inside a transaction, so it is
 *   set around it): drizzle-kit rebuilds a table to alter it (create, copy, drop, rename), and with
 *   foreign keys on, dropping the old table would cascade-delete the rows that reference it. The
 *   constraints are verified with `foreign_key_check` before committing.
 */
export function applyMigrations(db: Database, migrations: readonly MigrationMeta[]): number {
  // The usual start: everything is applied already. Checked without the write lock and without
  // `foreign_key_check` (a scan of every table): applied migrations are never removed, so none
  // pending now means none pending later.
  if (migrationsApplied(db, migrations)) return 0;
  db.exec(
    `CREATE TABLE IF NOT EXISTS "${table}" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`,
  );
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
  db.pragma('foreign_keys = OFF');
  try {
    const migrate = db.transaction(() => {
      const last = lastAppliedMillis(db);
      const pending = migrations.filter((m) => m.folderMillis > last);
      const record = db.prepare(`INSERT INTO "${table}" (hash, created_at) VALUES (?, ?)`);
      for (const migration of pending) {
        for (const statement of migration.sql) {
          if (statement.trim() !== '') db.exec(statement);
        }
        record.run(migration.hash, migration.folderMillis);
      }
      const violations = db.pragma('foreign_key_check') as unknown[];
      if (violations.length > 0) {
        throw new Error(`migration left ${violations.length} foreign key violation(s); rolled back`);
      }
      return pending.length;
    });
    return migrate.immediate();
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON');
  }
}

/** True when every migration of `migrations` is applied (the database may also have newer ones). */
export function migrationsApplied(db: Database, migrations: readonly MigrationMeta[]): boolean {
  const newest = migrations.at(-1);
  if (newest === undefined) return true;
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table);
  return exists !== undefined && lastAppliedMillis(db) >= newest.folderMillis;
}

function lastAppliedMillis(db: Database): number {
  const row = db.prepare(`SELECT max(created_at) AS last FROM "${table}"`).get() as { last: number | null };
  return Number(row.last ?? 0);
}
