/**
 * The storage port: everything routes and services need from a database, and nothing about which
 * database. `SqliteStore` (store/sqlite/) implements it today; a PostgreSQL store for several
 * replicas implements the same interface later, so no route or service changes.
 *
 * Every method is async even though better-sqlite3 is synchronous, because a network database is not.
 * Writes that must be atomic are single methods (`commit`, `bootstrap`), not transactions handed to
 * callers: each store runs them in one transaction of its own dialect.
 */
import type { Flag, FlagType, JsonValue, Segment } from '@ensign/core';

/** admin: the whole admin API. server / client: SDK endpoints of one environment. */
export type ApiKeyKind = 'admin' | 'server' | 'client';

export interface Project {
  id: number;
  key: string;
  name: string;
  createdAt: Date;
}

export interface Environment {
  id: number;
  projectId: number;
  key: string;
  name: string;
  /** Monotonic change counter of this environment (0 = nothing committed yet). */
  revision: number;
  createdAt: Date;
}

/** A stored API key. The secret itself is never stored: only its SHA-256 hash (hex). */
export interface ApiKeyRecord {
  id: number;
  kind: ApiKeyKind;
  name: string;
  environmentId: number | null;
  /** Non-secret leading characters of the secret, unique, used to find the row. */
  prefix: string;
  secretHash: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface NewApiKey {
  kind: ApiKeyKind;
  name: string;
  environmentId: number | null;
  prefix: string;
  secretHash: string;
}

/** A flag's project-level definition (its per-environment configuration is a core `Flag`). */
export interface FlagDefinition {
  id: number;
  projectId: number;
  key: string;
  name: string;
  description: string;
  type: FlagType;
  variations: JsonValue[];
  tags: string[];
  owner: string | null;
  temporary: boolean;
  archivedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type NewFlagDefinition = Pick<FlagDefinition, 'key' | 'name' | 'type' | 'variations'> &
  Partial<Pick<FlagDefinition, 'description' | 'tags' | 'owner' | 'temporary'>>;

/** The fields of a definition that can change after creation (type and variations cannot). */
export type FlagDefinitionUpdate = Partial<
  Pick<FlagDefinition, 'name' | 'description' | 'tags' | 'owner' | 'temporary'> & { archived: boolean }
>;

/** A flag config as written: the core `Flag` without the fields the store assigns. */
export type FlagConfigBody = Omit<Flag, 'key' | 'version'>;
/** A segment as written: the core `Segment` without the fields the store assigns. */
export type SegmentBody = Omit<Segment, 'key' | 'version'>;

/** Who made a change and why; recorded in every revision. */
export interface Attribution {
  /** The API key's name (or "bootstrap"/"system" for the server itself). */
  actor: string;
  comment?: string;
}

/**
 * One change inside a commit: replace (or create) a flag config or segment, or delete it (`config:
 * null`). With `ifVersion`, the commit fails with `version_mismatch` unless the stored version is
 * exactly that (0 = must not exist yet): optimistic concurrency for `If-Match`.
 */
export type ConfigChange =
  | { kind: 'flag'; key: string; config: FlagConfigBody | null; ifVersion?: number }
  | { kind: 'segment'; key: string; config: SegmentBody | null; ifVersion?: number };

export interface CommitInput extends Attribution {
  environmentId: number;
  /** At least one; all are applied atomically under one new environment revision. */
  changes: ConfigChange[];
}

export interface CommittedChange {
  kind: 'flag' | 'segment';
  key: string;
  op: 'upsert' | 'delete';
  /** The entity's version after the change (for a delete: the version that was deleted). */
  version: number;
  revisionId: number;
}

export interface CommitResult {
  /** The environment's new revision: exactly one more than before. */
  revision: number;
  changes: CommittedChange[];
}

/** One change-log row: what an environment revision changed. */
export interface ChangeLogEntry {
  environmentId: number;
  revision: number;
  changes: Array<{ kind: 'flag' | 'segment'; key: string; op: 'upsert' | 'delete'; version: number }>;
  createdAt: Date;
}

export type RevisionEntityKind = 'flag' | 'flag_config' | 'segment';

/** An immutable revision: one change of one entity. */
export interface Revision {
  id: number;
  projectId: number;
  environmentId: number | null;
  entityKind: RevisionEntityKind;
  entityKey: string;
  version: number;
  environmentRevision: number | null;
  actor: string;
  comment: string | null;
  before: JsonValue | null;
  after: JsonValue | null;
  createdAt: Date;
}

export interface RevisionFilter {
  projectId: number;
  environmentId?: number;
  entityKind?: RevisionEntityKind;
  entityKey?: string;
  /** Only revisions with an id below this (pagination, newest first). */
  beforeId?: number;
  /** Only the revision that made this entity version (use with `entityKind` and `entityKey`). */
  version?: number;
  /** Only revisions of entity versions below this (pagination by version, newest first). */
  beforeVersion?: number;
  /** Only changes made by this actor (an API key's name). */
  actor?: string;
  /** Only changes made at or after this time. */
  since?: Date;
  /** Only changes made before this time. */
  until?: Date;
  limit?: number;
}

/** What the first start creates, with secrets already hashed by the caller. */
export interface BootstrapSeed {
  project: { key: string; name: string };
  environments: Array<{ key: string; name: string }>;
  adminKeys: Array<Omit<NewApiKey, 'kind' | 'environmentId'>>;
  /** SDK keys by environment key. */
  sdkKeys: Array<Omit<NewApiKey, 'environmentId'> & { environmentKey: string }>;
}

export interface StoreHealth {
  /** A trivial query succeeded. */
  database: boolean;
  /** Every migration this build ships is applied. */
  migrations: boolean;
}

/**
 * The storage interface. Methods throw `StoreError` (store-error.ts) for expected failures
 * (not found, conflicts, version mismatch); anything else is a bug or an outage.
 */
export interface Store {
  /** Applies pending migrations; safe to call from several processes at once. Returns how many ran. */
  migrate(): Promise<number>;
  health(): Promise<StoreHealth>;
  /** Closes the connection; later calls fail. */
  close(): Promise<void>;

  /**
   * Creates the seed if the database has no project yet, atomically (two processes starting on an
   * empty database create it once). Resolves true when this call created it.
   */
  bootstrap(seed: BootstrapSeed): Promise<boolean>;

  listProjects(): Promise<Project[]>;
  getProject(key: string): Promise<Project | undefined>;
  /** Creates a project with its environments, atomically. Throws `conflict` when the key is taken. */
  createProject(input: {
    key: string;
    name: string;
    environments: Array<{ key: string; name: string }>;
  }): Promise<Project>;
  listEnvironments(projectId: number): Promise<Environment[]>;
  getEnvironment(projectId: number, key: string): Promise<Environment | undefined>;
  getEnvironmentById(id: number): Promise<Environment | undefined>;
  /**
   * Creates an environment and, in the same transaction, gives every flag of the project a config
   * there (`initialConfig(flag)`) under the environment's first revision. Throws `not_found` for the
   * project, `conflict` when the key is taken.
   */
  createEnvironment(
    projectId: number,
    input: { key: string; name: string },
    by: Attribution,
    initialConfig: (flag: FlagDefinition) => FlagConfigBody,
  ): Promise<Environment>;

  createApiKey(input: NewApiKey): Promise<ApiKeyRecord>;
  findApiKeyByPrefix(prefix: string): Promise<ApiKeyRecord | undefined>;
  getApiKey(id: number): Promise<ApiKeyRecord | undefined>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /**
   * Revokes a key (a no-op for one already revoked) and resolves its record. Throws `not_found`, and
   * `conflict` for the last active admin key: revoking it would lock everyone out of the admin API.
   */
  revokeApiKey(id: number): Promise<ApiKeyRecord>;

  /**
   * Creates a flag definition and its first revision and, in the same transaction, `initialConfig`
   * in every environment of the project (one new revision each). Throws `conflict` when the key is taken.
   */
  createFlag(
    projectId: number,
    input: NewFlagDefinition,
    by: Attribution,
    initialConfig: FlagConfigBody,
  ): Promise<{ flag: FlagDefinition; configs: Array<{ environment: Environment; config: Flag }> }>;
  getFlag(projectId: number, key: string): Promise<FlagDefinition | undefined>;
  listFlags(projectId: number): Promise<FlagDefinition[]>;
  /**
   * Changes a definition: bumps its version and records a revision. Archiving (or restoring) also
   * bumps the revision of every environment where the flag has a config, with a change-log entry
   * (`delete` when archived, `upsert` when restored), because SDKs stop (or resume) receiving it.
   * Throws `not_found`, and `version_mismatch` when `ifVersion` is not the stored version.
   */
  updateFlag(
    projectId: number,
    key: string,
    update: FlagDefinitionUpdate,
    by: Attribution & { ifVersion?: number },
  ): Promise<FlagDefinition>;

  getFlagConfig(environmentId: number, key: string): Promise<Flag | undefined>;
  listFlagConfigs(environmentId: number): Promise<Flag[]>;
  getSegment(environmentId: number, key: string): Promise<Segment | undefined>;
  listSegments(environmentId: number): Promise<Segment[]>;

  /**
   * The one write path for flag configs and segments: in one transaction, bumps the environment's
   * revision by one, applies every change, writes one immutable revision per change and one
   * change-log row. Throws `not_found` (environment, flag definition, or entity to delete) and
   * `version_mismatch` (an `ifVersion` that does not hold); then nothing is written.
   */
  commit(input: CommitInput): Promise<CommitResult>;

  /** Change-log rows of an environment with revision > `afterRevision`, oldest first. */
  changesSince(environmentId: number, afterRevision: number, limit?: number): Promise<ChangeLogEntry[]>;
  listRevisions(filter: RevisionFilter): Promise<Revision[]>;
  getRevision(id: number): Promise<Revision | undefined>;
}

// ─── Telemetry: SDK evaluation counts and the revisions SDK instances hold ───────────────────────
// (POST /sdk/v1/telemetry writes, the propagation and usage endpoints read.) Declared as a second
// `Store` block that TypeScript merges into the interface above, so the feature stays in one place.

/** The kinds of key an SDK reports with. */
export type SdkKeyKind = Exclude<ApiKeyKind, 'admin'>;

/** Evaluations of one flag to add: per variation index, -1 = served the caller's default. */
export interface FlagEvaluationCounts {
  flagKey: string;
  counts: Array<{ variation: number; count: number }>;
}

/** One validated SDK report, as the store adds it (in one transaction). */
export interface TelemetryRecord {
  environmentId: number;
  instanceId: string;
  sdk: { name: string; version: string };
  /** The environment revision the instance holds. */
  revision: number;
  keyKind: SdkKeyKind;
  /** When the server received the report: the instance's last seen time. */
  receivedAt: Date;
  /** The start of the UTC hour the counts are added to. */
  hour: Date;
  /** When the reported flags were last evaluated (a flag's time only ever moves forward). */
  evaluatedAt: Date;
  /** Counts of zero are allowed and change nothing. */
  flags: FlagEvaluationCounts[];
}

/** An SDK instance as last reported. */
export interface SdkInstance {
  instanceId: string;
  sdk: { name: string; version: string };
  revision: number;
  keyKind: SdkKeyKind;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface InstanceRevisionQuery {
  /** Only instances last seen at or after this time. */
  seenSince: Date;
  /** Instances holding this revision or a newer one are current; the others lag. */
  currentRevision: number;
  keyKind?: SdkKeyKind;
  /** At most this many lagging instances are listed (oldest revision first). */
  laggingLimit: number;
}

export interface InstanceRevisions {
  seen: number;
  current: number;
  /** Up to `laggingLimit` of the `seen - current` lagging instances: oldest revision, then latest seen, first. */
  lagging: SdkInstance[];
}

/** One flag's usage: hourly counts (oldest first, hours without evaluations left out). */
export interface FlagUsage {
  flagKey: string;
  /** Null when no SDK ever reported evaluating it. */
  lastEvaluatedAt: Date | null;
  hours: Array<{ hour: Date; counts: Array<{ variation: number; count: number }> }>;
}

export interface Store {
  /** Adds one SDK report in one transaction: hourly counts, last evaluated times, the instance's row. */
  recordTelemetry(record: TelemetryRecord): Promise<void>;
  /** How many instances of an environment were seen since a time, and how many hold a revision. */
  instanceRevisions(environmentId: number, query: InstanceRevisionQuery): Promise<InstanceRevisions>;
  /**
   * Usage of the flags of an environment from `since` (rounded down to its hour): every flag that
   * was ever evaluated there, or only `flagKey` (an empty list when it never was). Ordered by key.
   */
  flagUsage(environmentId: number, query: { since: Date; flagKey?: string }): Promise<FlagUsage[]>;
  /** Deletes instances last seen before `instancesSeenBefore` and hourly counts before `usageBefore`. */
  pruneTelemetry(
    environmentId: number,
    cutoffs: { instancesSeenBefore: Date; usageBefore: Date },
  ): Promise<{ instances: number; usageRows: number }>;
}
