import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Flag, JsonValue, Segment } from '@ensign/core';
import BetterSqlite3 from 'better-sqlite3';
import { and, asc, count, desc, eq, gt, gte, isNull, lt, max, sql } from 'drizzle-orm';
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
import { applyMigrations, migrationsApplied, readMigrations } from './migrate.js';
import { apiKeys } from './schema/api-keys.js';
import { flagConfigs, flags, segments } from './schema/flags.js';
import { environments, projects } from './schema/projects.js';
import { changeLog, revisions } from './schema/revisions.js';
import { sqliteTelemetry } from './telemetry-store.js';

const schema = { projects, environments, flags, flagConfigs, segments, apiKeys, revisions, changeLog };
type Db = BetterSQLite3Database<typeof schema>;
/** A drizzle transaction handle (better-sqlite3 transactions are synchronous). */
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Env = { id: number; projectId: number; revision: number };

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
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5_000)}`);
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

  constructor(sqlite: BetterSqlite3.Database, migrations: readonly MigrationMeta[]) {
    this.#sqlite = sqlite;
    this.#db = drizzle({ client: sqlite, schema });
    this.#migrations = migrations;
  }

  async migrate(): Promise<number> {
    return applyMigrations(this.#sqlite, this.#migrations);
  }

  async health(): Promise<StoreHealth> {
    try {
      this.#sqlite.prepare('SELECT 1').get();
      return { database: true, migrations: migrationsApplied(this.#sqlite, this.#migrations) };
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
    return this.#db.select().from(projects).orderBy(asc(projects.key)).all();
  }

  async getProject(key: string): Promise<Project | undefined> {
    return this.#db.select().from(projects).where(eq(projects.key, key)).get();
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
          const { revision } = this.#commitTx(tx, { environmentId: created.id, ...by, changes }, now);
          return { ...created, revision };
        },
        { behavior: 'immediate' },
      ),
    );
  }

  async listEnvironments(projectId: number): Promise<Environment[]> {
    return this.#db
      .select()
      .from(environments)
      .where(eq(environments.projectId, projectId))
      .orderBy(asc(environments.id))
      .all();
  }

  async getEnvironment(projectId: number, key: string): Promise<Environment | undefined> {
    return this.#db
      .select()
      .from(environments)
      .where(and(eq(environments.projectId, projectId), eq(environments.key, key)))
      .get();
  }

  async getEnvironmentById(id: number): Promise<Environment | undefined> {
    return this.#db.select().from(environments).where(eq(environments.id, id)).get();
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
    return this.#db.select().from(apiKeys).where(eq(apiKeys.prefix, prefix)).get();
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.#db.select().from(apiKeys).orderBy(asc(apiKeys.id)).all();
  }

  async getApiKey(id: number): Promise<ApiKeyRecord | undefined> {
    return this.#db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
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
            const result = this.#commitTx(
              tx,
              { environmentId: environment.id, ...by, changes: [change] },
              now,
            );
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
    return this.#db
      .select()
      .from(flags)
      .where(and(eq(flags.projectId, projectId), eq(flags.key, key)))
      .get();
  }

  async listFlags(projectId: number): Promise<FlagDefinition[]> {
    return this.#db.select().from(flags).where(eq(flags.projectId, projectId)).orderBy(asc(flags.key)).all();
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
            this.#commitTx(tx, { environmentId: config.environmentId, ...by }, now, (): CommittedChange[] => [
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
    const row = this.#db
      .select({ config: flagConfigs.config })
      .from(flagConfigs)
      .innerJoin(flags, eq(flags.id, flagConfigs.flagId))
      .where(and(eq(flagConfigs.environmentId, environmentId), eq(flags.key, key)))
      .get();
    return row?.config;
  }

  async listFlagConfigs(environmentId: number): Promise<Flag[]> {
    return this.#db
      .select({ config: flagConfigs.config })
      .from(flagConfigs)
      .innerJoin(flags, eq(flags.id, flagConfigs.flagId))
      .where(eq(flagConfigs.environmentId, environmentId))
      .orderBy(asc(flags.key))
      .all()
      .map((row) => row.config);
  }

  async getSegment(environmentId: number, key: string): Promise<Segment | undefined> {
    const row = this.#db
      .select({ config: segments.config })
      .from(segments)
      .where(and(eq(segments.environmentId, environmentId), eq(segments.key, key)))
      .get();
    return row?.config;
  }

  async listSegments(environmentId: number): Promise<Segment[]> {
    return this.#db
      .select({ config: segments.config })
      .from(segments)
      .where(eq(segments.environmentId, environmentId))
      .orderBy(asc(segments.key))
      .all()
      .map((row) => row.config);
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
   */
  async commit(input: CommitInput): Promise<CommitResult> {
    if (input.changes.length === 0) throw new TypeError('commit: no changes');
    const keys = new Set(input.changes.map((c) => `${c.kind}:${c.key}`));
    if (keys.size !== input.changes.length)
      throw new TypeError('commit: the same entity twice in one commit');
    const now = new Date();
    return this.#db.transaction((tx) => this.#commitTx(tx, input, now), { behavior: 'immediate' });
  }

  /**
   * `commit` inside a transaction the caller holds. `apply` overrides how the changes are applied
   * (archiving writes change-log entries for configs it does not change).
   */
  #commitTx(
    tx: Tx,
    input: Attribution & { environmentId: number; changes?: ConfigChange[] },
    now: Date,
    apply?: (env: Env) => CommittedChange[],
  ): CommitResult {
    const env = tx
      .update(environments)
      .set({ revision: sql`${environments.revision} + 1` })
      .where(eq(environments.id, input.environmentId))
      .returning({
        id: environments.id,
        projectId: environments.projectId,
        revision: environments.revision,
      })
      .get();
    if (env === undefined)
      throw new StoreError('not_found', `environment ${input.environmentId} does not exist`);
    const committed =
      apply?.(env) ??
      (input.changes ?? []).map((change) =>
        change.kind === 'flag'
          ? this.#applyFlagChange(tx, env, change, input, now)
          : this.#applySegmentChange(tx, env, change, input, now),
      );
    tx.insert(changeLog)
      .values({
        environmentId: env.id,
        revision: env.revision,
        changes: committed.map(({ kind, key, op, version }) => ({ kind, key, op, version })),
        createdAt: now,
      })
      .run();
    return { revision: env.revision, changes: committed };
  }

  #applyFlagChange(
    tx: Tx,
    env: Env,
    change: Extract<ConfigChange, { kind: 'flag' }>,
    by: Attribution,
    now: Date,
  ): CommittedChange {
    const flag = tx
      .select({ id: flags.id })
      .from(flags)
      .where(and(eq(flags.projectId, env.projectId), eq(flags.key, change.key)))
      .get();
    if (flag === undefined)
      throw new StoreError('not_found', `flag "${change.key}" is not defined in this project`);
    const where = and(eq(flagConfigs.environmentId, env.id), eq(flagConfigs.flagId, flag.id));
    return this.#applyChange(tx, env, change, by, now, {
      entityKind: 'flag_config',
      missing: `flag "${change.key}" has no config here`,
      current: () => tx.select().from(flagConfigs).where(where).get(),
      remove: () => tx.delete(flagConfigs).where(where).run(),
      upsert: (version, config) =>
        tx
          .insert(flagConfigs)
          .values({ environmentId: env.id, flagId: flag.id, version, config: config as Flag, updatedAt: now })
          .onConflictDoUpdate({
            target: [flagConfigs.environmentId, flagConfigs.flagId],
            set: { version, config: config as Flag, updatedAt: now },
          })
          .run(),
    });
  }

  #applySegmentChange(
    tx: Tx,
    env: Env,
    change: Extract<ConfigChange, { kind: 'segment' }>,
    by: Attribution,
    now: Date,
  ): CommittedChange {
    const where = and(eq(segments.environmentId, env.id), eq(segments.key, change.key));
    return this.#applyChange(tx, env, change, by, now, {
      entityKind: 'segment',
      missing: `segment "${change.key}" does not exist`,
      current: () => tx.select().from(segments).where(where).get(),
      remove: () => tx.delete(segments).where(where).run(),
      upsert: (version, config) =>
        tx
          .insert(segments)
          .values({
            environmentId: env.id,
            key: change.key,
            version,
            config: config as Segment,
            updatedAt: now,
          })
          .onConflictDoUpdate({
            target: [segments.environmentId, segments.key],
            set: { version, config: config as Segment, updatedAt: now },
          })
          .run(),
    });
  }

  /**
   * The steps every config change shares: check the expected version, delete or upsert with the
   * next version, and record the revision. `table` supplies the row access of one kind.
   */
  #applyChange(
    tx: Tx,
    env: Env,
    change: ConfigChange,
    by: Attribution,
    now: Date,
    table: {
      entityKind: 'flag_config' | 'segment';
      missing: string;
      current: () => { version: number; config: Flag | Segment } | undefined;
      remove: () => unknown;
      upsert: (version: number, config: Flag | Segment) => unknown;
    },
  ): CommittedChange {
    const current = table.current();
    checkVersion(change, current?.version ?? 0);
    if (change.config === null) {
      if (current === undefined) throw new StoreError('not_found', table.missing);
      table.remove();
      const revisionId = this.#insertRevision(
        tx,
        env,
        table.entityKind,
        change.key,
        current.version,
        by,
        now,
        {
          before: current.config,
          after: null,
        },
      );
      return { kind: change.kind, key: change.key, op: 'delete', version: current.version, revisionId };
    }
    const version = nextVersion(tx, env, table.entityKind, change.key, current?.version);
    const config = { ...change.config, key: change.key, version } as Flag | Segment;
    table.upsert(version, config);
    const revisionId = this.#insertRevision(tx, env, table.entityKind, change.key, version, by, now, {
      before: current?.config ?? null,
      after: config,
    });
    return { kind: change.kind, key: change.key, op: 'upsert', version, revisionId };
  }

  #insertRevision(
    tx: Tx,
    env: Env,
    entityKind: 'flag_config' | 'segment',
    entityKey: string,
    version: number,
    by: Attribution,
    now: Date,
    docs: { before: Flag | Segment | null; after: Flag | Segment | null },
  ): number {
    const row = tx
      .insert(revisions)
      .values({
        projectId: env.projectId,
        environmentId: env.id,
        entityKind,
        entityKey,
        version,
        environmentRevision: env.revision,
        actor: by.actor,
        comment: by.comment ?? null,
        before: docs.before as JsonValue | null,
        after: docs.after as JsonValue | null,
        createdAt: now,
      })
      .returning({ id: revisions.id })
      .get();
    return row.id;
  }

  async changesSince(environmentId: number, afterRevision: number, limit = 1_000): Promise<ChangeLogEntry[]> {
    return this.#db
      .select()
      .from(changeLog)
      .where(and(eq(changeLog.environmentId, environmentId), gt(changeLog.revision, afterRevision)))
      .orderBy(asc(changeLog.revision))
      .limit(limit)
      .all();
  }

  async listRevisions(filter: RevisionFilter): Promise<Revision[]> {
    const conditions = [eq(revisions.projectId, filter.projectId)];
    if (filter.environmentId !== undefined)
      conditions.push(eq(revisions.environmentId, filter.environmentId));
    if (filter.entityKind !== undefined) conditions.push(eq(revisions.entityKind, filter.entityKind));
    if (filter.entityKey !== undefined) conditions.push(eq(revisions.entityKey, filter.entityKey));
    if (filter.beforeId !== undefined) conditions.push(lt(revisions.id, filter.beforeId));
    if (filter.version !== undefined) conditions.push(eq(revisions.version, filter.version));
    if (filter.beforeVersion !== undefined) conditions.push(lt(revisions.version, filter.beforeVersion));
    if (filter.actor !== undefined) conditions.push(eq(revisions.actor, filter.actor));
    if (filter.since !== undefined) conditions.push(gte(revisions.createdAt, filter.since));
    if (filter.until !== undefined) conditions.push(lt(revisions.createdAt, filter.until));
    return this.#db
      .select()
      .from(revisions)
      .where(and(...conditions))
      .orderBy(desc(revisions.id))
      .limit(Math.min(Math.max(filter.limit ?? 100, 1), 1_000))
      .all();
  }

  async getRevision(id: number): Promise<Revision | undefined> {
    return this.#db.select().from(revisions).where(eq(revisions.id, id)).get();
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

/**
 * The version of an entity's next state. Versions never go back, even across a delete and a
 * re-create, so an SDK that compares versions never mistakes the new entity for an older state.
 */
function nextVersion(
  tx: Tx,
  env: Env,
  kind: 'flag_config' | 'segment',
  key: string,
  current: number | undefined,
): number {
  if (current !== undefined) return current + 1;
  const row = tx
    .select({ last: max(revisions.version) })
    .from(revisions)
    .where(
      and(
        eq(revisions.projectId, env.projectId),
        eq(revisions.entityKind, kind),
        eq(revisions.entityKey, key),
        eq(revisions.environmentId, env.id),
      ),
    )
    .get();
  return (row?.last ?? 0) + 1;
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
