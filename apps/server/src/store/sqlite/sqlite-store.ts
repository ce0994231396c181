import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Flag, JsonValue, Segment } from '@ensign/core';
import BetterSqlite3 from 'better-sqlite3';
import { and, asc, count, eq, isNull } from 'drizzle-orm';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import type { MigrationMeta } from 'drizzle-orm/migrator';
import type {
  ApiKeyRecord,
  Attribution,
  BootstrapSeed,
  ChangeLogEntry,
  CommitInput,
  CommitResult,
  CommittedChange,
  ConfigChange,
  Environment,
  FlagConfigBody,
  FlagDefinition,
  FlagDefinitionUpdate,
  FlagUsage,
  InstanceRevisionQuery,
  InstanceRevisions,
  NewApiKey,
  NewFlagDefinition,
  Project,
  Revision,
  RevisionFilter,
  Store,
  StoreHealth,
  TelemetryRecord,
} from '../store.js';
import { StoreError } from '../store-error.js';
import { groupCommit } from './group-commit.js';
import { applyMigrations, migrationsApplied, readMigrations } from './migrate.js';
import { apiKeys } from './schema/api-keys.js';
import { flagConfigs, flags, segments } from './schema/flags.js';
import { environments, projects } from './schema/projects.js';
import { changeLog, revisions } from './schema/revisions.js';
import {
  apiKeyColumns,
  changeLogColumns,
  environmentColumns,
  flagColumns,
  projectColumns,
  revisionColumns,
  toApiKey,
  toChangeLogEntry,
  toDocument,
  toEnvironment,
  toFlagDefinition,
  toProject,
  toRevision,
} from './sqlite-rows.js';
import { type Prepare, statementCache } from './sqlite-statements.js';
import { sqliteTelemetry } from './telemetry-store.js';

const schema = { projects, environments, flags, flagConfigs, segments, apiKeys, revisions, changeLog };
type Db = BetterSQLite3Database<typeof schema>;
type Env = { id: number; projectId: number; revision: number };
/** The stored state of a config row: its version and its document as stored (JSON text). */
type StoredDocument = { version: number; config: string };
/** A row before mapping (undefined when `get` found none). */
type RowOf = Record<string, unknown>;

export interface SqliteStoreOptions {
  /** Path of the database file; its directory is created if missing. `:memory:` works for tests. */
  path: string;
  /** How long a writer waits for another process's write lock before failing. Default 5,000 ms. */
  busyTimeoutMs?: number;
  /** The migrations to apply and check (default: the committed ones in apps/server/drizzle). */
  migrations?: readonly MigrationMeta[];
}

/**
 * Opens (creating if needed) a SQLite database as a `Store`. Call `migrate()` before anything else.
 *
 * Pragmas: WAL (readers never block the writer, and other processes can read while one writes),
 * foreign keys on (SQLite's default is off), a busy timeout (several processes may share the file;
 * a writer waits for the lock instead of failing), synchronous=FULL (a commit that was acknowledged
 * survives power loss, not only a crash of the process).
 *
 * @example
 * const store = openSqliteStore({ path: './data/ensign.db' });
 * await store.migrate();
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const sqlite = new BetterSqlite3(options.path);
  try {
    const busyTimeoutMs = Math.trunc(options.busyTimeoutMs ?? 5_000);
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
    switchToWal(sqlite, busyTimeoutMs);
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return new SqliteStore(sqlite, options.migrations ?? readMigrations());
}

class SqliteStore implements Store {
  readonly #sqlite: BetterSqlite3.Database;
  readonly #db: Db;
  readonly #migrations: readonly MigrationMeta[];
  /** Raw prepared statements of the hot paths (reads by key, the commit path, the change feed). */
  readonly #prepare: Prepare;
  /** `commit`'s transactions, grouped: concurrent commits share one COMMIT (group-commit.ts). */
  readonly #groupCommit: (write: { input: CommitInput; now: Date }) => Promise<CommitResult>;
  /** Migrations never become unapplied: once every shipped one is, readiness stops asking. */
  #migrationsApplied = false;

  constructor(sqlite: BetterSqlite3.Database, migrations: readonly MigrationMeta[]) {
    this.#sqlite = sqlite;
    this.#db = drizzle({ client: sqlite, schema });
    this.#migrations = migrations;
    this.#prepare = statementCache(sqlite);
    this.#groupCommit = groupCommit(sqlite, ({ input, now }) => this.#commitTx(input, now));
  }

  async migrate(): Promise<number> {
    return applyMigrations(this.#sqlite, this.#migrations);
  }

  async health(): Promise<StoreHealth> {
    try {
      this.#prepare('SELECT 1').get();
      this.#migrationsApplied ||= migrationsApplied(this.#sqlite, this.#migrations);
      return { database: true, migrations: this.#migrationsApplied };
    } catch {
      // A closed or unreadable database is exactly what this reports; the caller logs the outcome.
      return { database: false, migrations: false };
    }
  }

  async close(): Promise<void> {
    if (this.#sqlite.open) this.#sqlite.close();
  }

  async bootstrap(seed: BootstrapSeed): Promise<boolean> {
    const now = new Date();
    return this.#db.transaction(
      (tx) => {
        if (tx.select({ id: projects.id }).from(projects).limit(1).get() !== undefined) return false;
        const project = tx
          .insert(projects)
          .values({ ...seed.project, createdAt: now })
          .returning()
          .get();
        const envIds = new Map<string, number>();
        for (const env of seed.environments) {
          const row = tx
            .insert(environments)
            .values({ ...env, projectId: project.id, createdAt: now })
            .returning()
            .get();
          envIds.set(env.key, row.id);
        }
        for (const key of seed.adminKeys) {
          tx.insert(apiKeys)
            .values({ ...key, kind: 'admin', environmentId: null, createdAt: now })
            .run();
        }
        for (const { environmentKey, ...key } of seed.sdkKeys) {
          const environmentId = envIds.get(environmentKey);
          if (environmentId === undefined)
            throw new Error(`bootstrap: unknown environment "${environmentKey}"`);
          tx.insert(apiKeys)
            .values({ ...key, environmentId, createdAt: now })
            .run();
        }
        return true;
      },
      { behavior: 'immediate' },
    );
  }

  async listProjects(): Promise<Project[]> {
    return (this.#prepare(`SELECT ${projectColumns} FROM projects ORDER BY key`).all() as RowOf[]).map(
      toProject,
    );
  }

  async getProject(key: string): Promise<Project | undefined> {
    const row = this.#prepare(`SELECT ${projectColumns} FROM projects WHERE key = ?`).get(key) as
      | RowOf
      | undefined;
    return row === undefined ? undefined : toProject(row);
  }

  async createProject(input: {
    key: string;
    name: string;
    environments: Array<{ key: string; name: string }>;
  }): Promise<Project> {
    const now = new Date();
    return uniqueOrConflict(`project "${input.key}" already exists`, () =>
      this.#db.transaction(
        (tx) => {
          const project = tx
            .insert(projects)
            .values({ key: input.key, name: input.name, createdAt: now })
            .returning()
            .get();
          for (const env of input.environments)
            tx.insert(environments)
              .values({ ...env, projectId: project.id, createdAt: now })
              .run();
          return project;
        },
        { behavior: 'immediate' },
      ),
    );
  }

  async createEnvironment(
    projectId: number,
    input: { key: string; name: string },
    by: Attribution,
    initialConfig: (flag: FlagDefinition) => FlagConfigBody,
  ): Promise<Environment> {
    const now = new Date();
    return uniqueOrConflict(`environment "${input.key}" already exists`, () =>
      this.#db.transaction(
        (tx) => {
          if (
            tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).get() ===
            undefined
          )
            throw new StoreError('not_found', `project ${projectId} does not exist`);
          const created = tx
            .insert(environments)
            .values({ ...input, projectId, createdAt: now })
            .returning()
            .get();
          const defs = tx
            .select()
            .from(flags)
            .where(eq(flags.projectId, projectId))
            .orderBy(asc(flags.key))
            .all();
          if (defs.length === 0) return created;
          const changes = defs.map(
            (def): ConfigChange => ({ kind: 'flag', key: def.key, config: initialConfig(def), ifVersion: 0 }),
          );
          const { revision } = this.#commitTx({ environmentId: created.id, ...by, changes }, now);
          return { ...created, revision };
        },
        { behavior: 'immediate' },
      ),
    );
  }

  async listEnvironments(projectId: number): Promise<Environment[]> {
    const sql = `SELECT ${environmentColumns} FROM environments WHERE project_id = ? ORDER BY id`;
    return (this.#prepare(sql).all(projectId) as RowOf[]).map(toEnvironment);
  }

  async getEnvironment(projectId: number, key: string): Promise<Environment | undefined> {
    const sql = `SELECT ${environmentColumns} FROM environments WHERE project_id = ? AND key = ?`;
    const row = this.#prepare(sql).get(projectId, key) as RowOf | undefined;
    return row === undefined ? undefined : toEnvironment(row);
  }

  async getEnvironmentById(id: number): Promise<Environment | undefined> {
    const row = this.#prepare(`SELECT ${environmentColumns} FROM environments WHERE id = ?`).get(id) as
      | RowOf
      | undefined;
    return row === undefined ? undefined : toEnvironment(row);
  }

  async createApiKey(input: NewApiKey): Promise<ApiKeyRecord> {
    return uniqueOrConflict('an API key with this prefix already exists', () =>
      this.#db
        .insert(apiKeys)
        .values({ ...input, createdAt: new Date() })
        .returning()
        .get(),
    );
  }

  async findApiKeyByPrefix(prefix: string): Promise<ApiKeyRecord | undefined> {
    // Every authenticated request runs this.
    const row = this.#prepare(`SELECT ${apiKeyColumns} FROM api_keys WHERE prefix = ?`).get(prefix) as
      | RowOf
      | undefined;
    return row === undefined ? undefined : toApiKey(row);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.#db.select().from(apiKeys).orderBy(asc(apiKeys.id)).all();
  }

  async getApiKey(id: number): Promise<ApiKeyRecord | undefined> {
    const row = this.#prepare(`SELECT ${apiKeyColumns} FROM api_keys WHERE id = ?`).get(id) as
      | RowOf
      | undefined;
    return row === undefined ? undefined : toApiKey(row);
  }

  async revokeApiKey(id: number): Promise<ApiKeyRecord> {
    return this.#db.transaction(
      (tx) => {
        const key = tx.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
        if (key === undefined) throw new StoreError('not_found', `API key ${id} does not exist`);
        if (key.revokedAt !== null) return key;
        if (key.kind === 'admin') {
          const active = tx
            .select({ n: count() })
            .from(apiKeys)
            .where(and(eq(apiKeys.kind, 'admin'), isNull(apiKeys.revokedAt)))
            .get();
          if ((active?.n ?? 0) <= 1)
            throw new StoreError('conflict', 'this is the last active admin key: create another one first');
        }
        return tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id)).returning().get()!;
      },
      { behavior: 'immediate' },
    );
  }

  async createFlag(
    projectId: number,
    input: NewFlagDefinition,
    by: Attribution,
    initialConfig: FlagConfigBody,
  ): Promise<{ flag: FlagDefinition; configs: Array<{ environment: Environment; config: Flag }> }> {
    const now = new Date();
    return uniqueOrConflict(`flag "${input.key}" already exists`, () =>
      this.#db.transaction(
        (tx) => {
          const flag = tx
            .insert(flags)
            .values({
              projectId,
              key: input.key,
              name: input.name,
              type: input.type,
              variations: input.variations,
              description: input.description ?? '',
              tags: input.tags ?? [],
              owner: input.owner ?? null,
              temporary: input.temporary ?? true,
              version: 1,
              createdAt: now,
              updatedAt: now,
            })
            .returning()
            .get();
          tx.insert(revisions)
            .values({
              projectId,
              environmentId: null,
              entityKind: 'flag',
              entityKey: flag.key,
              version: flag.version,
              environmentRevision: null,
              actor: by.actor,
              comment: by.comment ?? null,
              before: null,
              after: definitionDocument(flag),
              createdAt: now,
            })
            .run();
          const envs = tx
            .select()
            .from(environments)
            .where(eq(environments.projectId, projectId))
            .orderBy(asc(environments.id))
            .all();
          const configs = envs.map((environment) => {
            const change: ConfigChange = { kind: 'flag', key: flag.key, config: initialConfig, ifVersion: 0 };
            const result = this.#commitTx({ environmentId: environment.id, ...by, changes: [change] }, now);
            const version = result.changes[0]!.version;
            return {
              environment: { ...environment, revision: result.revision },
              config: { ...initialConfig, key: flag.key, version } as Flag,
            };
          });
          return { flag, configs };
        },
        { behavior: 'immediate' },
      ),
    );
  }

  async getFlag(projectId: number, key: string): Promise<FlagDefinition | undefined> {
    const sql = `SELECT ${flagColumns} FROM flags WHERE project_id = ? AND key = ?`;
    const row = this.#prepare(sql).get(projectId, key) as RowOf | undefined;
    return row === undefined ? undefined : toFlagDefinition(row);
  }

  async listFlags(projectId: number): Promise<FlagDefinition[]> {
    const sql = `SELECT ${flagColumns} FROM flags WHERE project_id = ? ORDER BY key`;
    return (this.#prepare(sql).all(projectId) as RowOf[]).map(toFlagDefinition);
  }

  async updateFlag(
    projectId: number,
    key: string,
    update: FlagDefinitionUpdate,
    by: Attribution & { ifVersion?: number },
  ): Promise<FlagDefinition> {
    const now = new Date();
    return this.#db.transaction(
      (tx) => {
        const where = and(eq(flags.projectId, projectId), eq(flags.key, key));
        const current = tx.select().from(flags).where(where).get();
        if (current === undefined) throw new StoreError('not_found', `flag "${key}" does not exist`);
        if (by.ifVersion !== undefined && by.ifVersion !== current.version) {
          throw new StoreError(
            'version_mismatch',
            `flag "${key}" is at version ${current.version}, not ${by.ifVersion}`,
            {
              currentVersion: current.version,
            },
          );
        }
        const { archived, ...fields } = update;
        const archivedAt =
          archived === undefined ? current.archivedAt : archived ? (current.archivedAt ?? now) : null;
        const changed =
          archivedAt !== current.archivedAt ||
          Object.entries(fields).some(
            ([field, value]) =>
              JSON.stringify(value) !== JSON.stringify(current[field as keyof typeof fields]),
          );
        // Archiving an archived flag, or setting what is already set, is not a change: no revision.
        if (!changed) return current;
        const next = tx
          .update(flags)
          .set({ ...fields, archivedAt, version: current.version + 1, updatedAt: now })
          .where(where)
          .returning()
          .get()!;
        const revision = tx
          .insert(revisions)
          .values({
            projectId,
            environmentId: null,
            entityKind: 'flag',
            entityKey: key,
            version: next.version,
            environmentRevision: null,
            actor: by.actor,
            comment: by.comment ?? null,
            before: definitionDocument(current),
            after: definitionDocument(next),
            createdAt: now,
          })
          .returning({ id: revisions.id })
          .get();
        if ((current.archivedAt === null) !== (next.archivedAt === null)) {
          // SDKs are not sent archived flags: tell every environment's change log that it left (or came back).
          const configs = tx.select().from(flagConfigs).where(eq(flagConfigs.flagId, current.id)).all();
          for (const config of configs) {
            this.#commitTx({ environmentId: config.environmentId, ...by }, now, (): CommittedChange[] => [
              {
                kind: 'flag',
                key,
                op: next.archivedAt === null ? 'upsert' : 'delete',
                version: config.version,
                revisionId: revision.id,
              },
            ]);
          }
        }
        return next;
      },
      { behavior: 'immediate' },
    );
  }

  async getFlagConfig(environmentId: number, key: string): Promise<Flag | undefined> {
    // Every config edit reads this first. Through the environment's project to the flag's unique
    // (project, key) index: index look-ups only, however many flags the environment has.
    const sql =
      'SELECT c.config FROM environments e ' +
      'JOIN flags f ON f.project_id = e.project_id AND f.key = ? ' +
      'JOIN flag_configs c ON c.environment_id = e.id AND c.flag_id = f.id WHERE e.id = ?';
    const row = this.#prepare(sql).get(key, environmentId) as { config: string } | undefined;
    return row === undefined ? undefined : toDocument<Flag>(row);
  }

  async listFlagConfigs(environmentId: number): Promise<Flag[]> {
    const sql =
      'SELECT c.config FROM flag_configs c JOIN flags f ON f.id = c.flag_id ' +
      'WHERE c.environment_id = ? ORDER BY f.key';
    return (this.#prepare(sql).all(environmentId) as Array<{ config: string }>).map(toDocument<Flag>);
  }

  async getSegment(environmentId: number, key: string): Promise<Segment | undefined> {
    const sql = 'SELECT config FROM segments WHERE environment_id = ? AND key = ?';
    const row = this.#prepare(sql).get(environmentId, key) as { config: string } | undefined;
    return row === undefined ? undefined : toDocument<Segment>(row);
  }

  async listSegments(environmentId: number): Promise<Segment[]> {
    const sql = 'SELECT config FROM segments WHERE environment_id = ? ORDER BY key';
    return (this.#prepare(sql).all(environmentId) as Array<{ config: string }>).map(toDocument<Segment>);
  }

  /*
   * Multi-process design. The environment row's `revision` is bumped FIRST, with
   * `UPDATE … SET revision = revision + 1 … RETURNING revision`, inside the transaction that then
   * applies the changes and appends the change-log row under that number. In SQLite, BEGIN IMMEDIATE
   * holds the database's single write lock for the whole transaction, so writers from any number of
   * processes are serialised and each sees the previous commit; in PostgreSQL the same UPDATE takes a
   * row lock on the environment held until commit, with the same effect per environment. Either way:
   * revisions are gap-free and never reused, the version checks below run under the lock (no lost
   * update), and a reader never sees revision N before the changes of every revision ≤ N, because
   * revision N+1 cannot be handed out before N has committed. (A sequence or autoincrement would not
   * give that: numbers are taken before commit, and commits can land out of order.)
   *
   * Hot path: every statement below is a prepared one (sqlite-statements.ts), and a document is
   * serialised once: the JSON text written to the config row is the revision's `after`, and the row's
   * previous text becomes `before` without being parsed.
   */
  async commit(input: CommitInput): Promise<CommitResult> {
    if (input.changes.length === 0) throw new TypeError('commit: no changes');
    if (input.changes.length > 1) {
      const keys = new Set(input.changes.map((c) => `${c.kind}:${c.key}`));
      if (keys.size !== input.changes.length)
        throw new TypeError('commit: the same entity twice in one commit');
    }
    return this.#groupCommit({ input, now: new Date() });
  }

  /**
   * `commit` inside a transaction the caller holds. `apply` overrides how the changes are applied
   * (archiving writes change-log entries for configs it does not change).
   */
  #commitTx(
    input: Attribution & { environmentId: number; changes?: ConfigChange[] },
    now: Date,
    apply?: (env: Env) => CommittedChange[],
  ): CommitResult {
    const env = this.#prepare(
      'UPDATE environments SET revision = revision + 1 WHERE id = ? ' +
        'RETURNING id, project_id AS projectId, revision',
    ).get(input.environmentId) as Env | undefined;
    if (env === undefined)
      throw new StoreError('not_found', `environment ${input.environmentId} does not exist`);
    const committed =
      apply?.(env) ??
      (input.changes ?? []).map((change) =>
        change.kind === 'flag'
          ? this.#applyFlagChange(env, change, input, now)
          : this.#applySegmentChange(env, change, input, now),
      );
    this.#prepare(
      'INSERT INTO change_log (environment_id, revision, changes, created_at) VALUES (?, ?, ?, ?)',
    ).run(
      env.id,
      env.revision,
      JSON.stringify(committed.map(({ kind, key, op, version }) => ({ kind, key, op, version }))),
      now.getTime(),
    );
    return { revision: env.revision, changes: committed };
  }

  #applyFlagChange(
    env: Env,
    change: Extract<ConfigChange, { kind: 'flag' }>,
    by: Attribution,
    now: Date,
  ): CommittedChange {
    // The flag's id and its config here (if any) in one query.
    const row = this.#prepare(
      'SELECT f.id AS flagId, c.version, c.config FROM flags f ' +
        'LEFT JOIN flag_configs c ON c.environment_id = ? AND c.flag_id = f.id ' +
        'WHERE f.project_id = ? AND f.key = ?',
    ).get(env.id, env.projectId, change.key) as
      | { flagId: number; version: number | null; config: string | null }
      | undefined;
    if (row === undefined)
      throw new StoreError('not_found', `flag "${change.key}" is not defined in this project`);
    const current = row.version === null ? undefined : (row as StoredDocument);
    return this.#applyChange(env, change, by, now, current, {
      entityKind: 'flag_config',
      missing: `flag "${change.key}" has no config here`,
      remove: () =>
        this.#prepare('DELETE FROM flag_configs WHERE environment_id = ? AND flag_id = ?').run(
          env.id,
          row.flagId,
        ),
      upsert: (version, config) =>
        this.#prepare(
          'INSERT INTO flag_configs (environment_id, flag_id, version, config, updated_at) ' +
            'VALUES (?, ?, ?, ?, ?) ON CONFLICT (environment_id, flag_id) DO UPDATE SET ' +
            'version = excluded.version, config = excluded.config, updated_at = excluded.updated_at',
        ).run(env.id, row.flagId, version, config, now.getTime()),
    });
  }

  #applySegmentChange(
    env: Env,
    change: Extract<ConfigChange, { kind: 'segment' }>,
    by: Attribution,
    now: Date,
  ): CommittedChange {
    const current = this.#prepare(
      'SELECT version, config FROM segments WHERE environment_id = ? AND key = ?',
    ).get(env.id, change.key) as StoredDocument | undefined;
    return this.#applyChange(env, change, by, now, current, {
      entityKind: 'segment',
      missing: `segment "${change.key}" does not exist`,
      remove: () =>
        this.#prepare('DELETE FROM segments WHERE environment_id = ? AND key = ?').run(env.id, change.key),
      upsert: (version, config) =>
        this.#prepare(
          'INSERT INTO segments (environment_id, key, version, config, updated_at) ' +
            'VALUES (?, ?, ?, ?, ?) ON CONFLICT (environment_id, key) DO UPDATE SET ' +
            'version = excluded.version, config = excluded.config, updated_at = excluded.updated_at',
        ).run(env.id, change.key, version, config, now.getTime()),
    });
  }

  /**
   * The steps every config change shares: check the expected version, delete or upsert with the
   * next version, and record the revision. `table` supplies the row writes of one kind; documents
   * are passed as the JSON text that is stored.
   */
  #applyChange(
    env: Env,
    change: ConfigChange,
    by: Attribution,
    now: Date,
    current: StoredDocument | undefined,
    table: {
      entityKind: 'flag_config' | 'segment';
      missing: string;
      remove: () => unknown;
      upsert: (version: number, config: string) => unknown;
    },
  ): CommittedChange {
    checkVersion(change, current?.version ?? 0);
    if (change.config === null) {
      if (current === undefined) throw new StoreError('not_found', table.missing);
      table.remove();
      const revisionId = this.#insertRevision(env, table.entityKind, change.key, current.version, by, now, {
        before: current.config,
        after: null,
      });
      return { kind: change.kind, key: change.key, op: 'delete', version: current.version, revisionId };
    }
    const version = this.#nextVersion(env, table.entityKind, change.key, current?.version);
    const config = JSON.stringify({ ...change.config, key: change.key, version });
    table.upsert(version, config);
    const revisionId = this.#insertRevision(env, table.entityKind, change.key, version, by, now, {
      before: current?.config ?? null,
      after: config,
    });
    return { kind: change.kind, key: change.key, op: 'upsert', version, revisionId };
  }

  /** Inserts a revision of a config; `docs` are JSON text (or null). Returns its id. */
  #insertRevision(
    env: Env,
    entityKind: 'flag_config' | 'segment',
    entityKey: string,
    version: number,
    by: Attribution,
    now: Date,
    docs: { before: string | null; after: string | null },
  ): number {
    const result = this.#prepare(
      'INSERT INTO revisions (project_id, environment_id, entity_kind, entity_key, version, ' +
        'environment_revision, actor, comment, "before", "after", created_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      env.projectId,
      env.id,
      entityKind,
      entityKey,
      version,
      env.revision,
      by.actor,
      by.comment ?? null,
      docs.before,
      docs.after,
      now.getTime(),
    );
    return Number(result.lastInsertRowid);
  }

  /**
   * The version of an entity's next state. Versions never go back, even across a delete and a
   * re-create, so an SDK that compares versions never mistakes the new entity for an older state.
   */
  #nextVersion(env: Env, kind: 'flag_config' | 'segment', key: string, current: number | undefined): number {
    if (current !== undefined) return current + 1;
    const row = this.#prepare(
      'SELECT max(version) AS last FROM revisions ' +
        'WHERE project_id = ? AND entity_kind = ? AND entity_key = ? AND environment_id = ?',
    ).get(env.projectId, kind, key, env.id) as { last: number | null };
    return (row.last ?? 0) + 1;
  }

  async changesSince(environmentId: number, afterRevision: number, limit = 1_000): Promise<ChangeLogEntry[]> {
    // Every feed refresh (after each commit, and each poll) runs this.
    const sql =
      `SELECT ${changeLogColumns} FROM change_log ` +
      'WHERE environment_id = ? AND revision > ? ORDER BY revision LIMIT ?';
    return (this.#prepare(sql).all(environmentId, afterRevision, limit) as RowOf[]).map(toChangeLogEntry);
  }

  async listRevisions(filter: RevisionFilter): Promise<Revision[]> {
    // The SQL depends only on which filters are set, so each shape is prepared once (the feed asks
    // for one entity version after every commit).
    const conditions = ['project_id = ?'];
    const params: unknown[] = [filter.projectId];
    const where = (condition: string, value: unknown) => {
      if (value === undefined) return;
      conditions.push(condition);
      params.push(value);
    };
    where('environment_id = ?', filter.environmentId);
    where('entity_kind = ?', filter.entityKind);
    where('entity_key = ?', filter.entityKey);
    where('id < ?', filter.beforeId);
    where('version = ?', filter.version);
    where('version < ?', filter.beforeVersion);
    where('actor = ?', filter.actor);
    where('created_at >= ?', filter.since?.getTime());
    where('created_at < ?', filter.until?.getTime());
    params.push(Math.min(Math.max(filter.limit ?? 100, 1), 1_000));
    const sql = `SELECT ${revisionColumns} FROM revisions WHERE ${conditions.join(' AND ')} ORDER BY id DESC LIMIT ?`;
    return (this.#prepare(sql).all(...params) as RowOf[]).map(toRevision);
  }

  async getRevision(id: number): Promise<Revision | undefined> {
    const row = this.#prepare(`SELECT ${revisionColumns} FROM revisions WHERE id = ?`).get(id) as
      | RowOf
      | undefined;
    return row === undefined ? undefined : toRevision(row);
  }

  // ─── Telemetry (queries in telemetry-store.ts) ───────────────────────────────────────────────
  #telemetryQueries: ReturnType<typeof sqliteTelemetry> | undefined;

  get #telemetry(): ReturnType<typeof sqliteTelemetry> {
    this.#telemetryQueries ??= sqliteTelemetry(this.#db);
    return this.#telemetryQueries;
  }

  async recordTelemetry(record: TelemetryRecord): Promise<void> {
    this.#telemetry.record(record);
  }

  async instanceRevisions(environmentId: number, query: InstanceRevisionQuery): Promise<InstanceRevisions> {
    return this.#telemetry.instanceRevisions(environmentId, query);
  }

  async flagUsage(environmentId: number, query: { since: Date; flagKey?: string }): Promise<FlagUsage[]> {
    return this.#telemetry.flagUsage(environmentId, query);
  }

  async pruneTelemetry(
    environmentId: number,
    cutoffs: { instancesSeenBefore: Date; usageBefore: Date },
  ): Promise<{ instances: number; usageRows: number }> {
    return this.#telemetry.prune(environmentId, cutoffs);
  }
}

function checkVersion(change: ConfigChange, current: number): void {
  if (change.ifVersion !== undefined && change.ifVersion !== current) {
    throw new StoreError(
      'version_mismatch',
      `${change.kind} "${change.key}" is at version ${current}, not ${change.ifVersion}`,
      { currentVersion: current },
    );
  }
}

/** The JSON document recorded in revisions for a flag definition (dates as ISO strings). */
function definitionDocument(flag: FlagDefinition): JsonValue {
  return {
    key: flag.key,
    name: flag.name,
    description: flag.description,
    type: flag.type,
    variations: flag.variations,
    tags: flag.tags,
    owner: flag.owner,
    temporary: flag.temporary,
    archivedAt: flag.archivedAt?.toISOString() ?? null,
    version: flag.version,
  };
}

/** Runs `write`, turning a UNIQUE constraint failure into `StoreError('conflict')`. */
function uniqueOrConflict<T>(message: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new StoreError('conflict', message);
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  // drizzle wraps driver errors (DrizzleQueryError) with the SqliteError as `cause`.
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  }
  return false;
}

/**
 * `PRAGMA journal_mode = WAL`, retried while another process starting on the same new database
 * holds the lock it needs: SQLite answers that pragma "database is locked" at once, without its busy
 * handler. Blocking is fine here: it runs once, at start, before the server listens.
 */
function switchToWal(sqlite: BetterSqlite3.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      sqlite.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      const busy = (error as { code?: string }).code?.startsWith('SQLITE_BUSY') === true;
      if (!busy || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, 20);
    }
  }
}
