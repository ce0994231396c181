import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { SdkKeyKind } from '../../store.js';
import { environments } from './projects.js';

/**
 * What SDKs report (POST /sdk/v1/telemetry), aggregated: evaluation counts per environment, flag,
 * UTC hour and variation. Flags are named by key, not by id: SDKs also report keys the server does
 * not define (code reading a deleted or misspelt flag), and the write path looks nothing up.
 * `variation` is the variation's index, or -1 for evaluations that served the caller's default
 * because no variation could be served (unknown flag, error).
 */
export const flagUsage = sqliteTable(
  'flag_usage',
  {
    environmentId: integer('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    flagKey: text('flag_key').notNull(),
    /** The start of the UTC hour. */
    hour: integer('hour', { mode: 'timestamp_ms' }).notNull(),
    variation: integer('variation').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.environmentId, t.flagKey, t.hour, t.variation] }),
    // Every flag's usage over the last hours, and pruning old hours, without scanning all history.
    index('flag_usage_environment_hour').on(t.environmentId, t.hour),
  ],
);

/** When each flag was last evaluated in an environment, by any SDK (kept when old hours are pruned). */
export const flagLastEvaluated = sqliteTable(
  'flag_last_evaluated',
  {
    environmentId: integer('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    flagKey: text('flag_key').notNull(),
    lastEvaluatedAt: integer('last_evaluated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.environmentId, t.flagKey] })],
);

/**
 * Every SDK instance that reported, by the opaque id it generates: which SDK, which environment
 * revision it holds, when it was last seen (server time) and with which kind of key. The source of
 * "revision R reached N of M instances".
 */
export const sdkInstances = sqliteTable(
  'sdk_instances',
  {
    environmentId: integer('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    instanceId: text('instance_id').notNull(),
    sdkName: text('sdk_name').notNull(),
    sdkVersion: text('sdk_version').notNull(),
    revision: integer('revision').notNull(),
    keyKind: text('key_kind').$type<SdkKeyKind>().notNull(),
    firstSeenAt: integer('first_seen_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.environmentId, t.instanceId] }),
    index('sdk_instances_environment_seen').on(t.environmentId, t.lastSeenAt),
    check('sdk_instances_key_kind', sql`${t.keyKind} in ('server', 'client')`),
  ],
);
