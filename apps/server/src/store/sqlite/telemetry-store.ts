/**
 * The SQLite side of SDK telemetry (the `Store` methods `recordTelemetry`, `instanceRevisions`,
 * `flagUsage`, `pruneTelemetry`), kept out of sqlite-store.ts, which delegates to it.
 */
import { and, asc, count, eq, gte, lt, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type {
  FlagUsage,
  InstanceRevisionQuery,
  InstanceRevisions,
  SdkInstance,
  TelemetryRecord,
} from '../store.js';
import { flagLastEvaluated, flagUsage, sdkInstances } from './schema/telemetry.js';

const hourMs = 3_600_000;

/** The telemetry queries over one database (prepared on first use: the tables exist after `migrate`). */
export function sqliteTelemetry<S extends Record<string, unknown>>(db: BetterSQLite3Database<S>) {
  let prepared: ReturnType<typeof prepare> | undefined;
  // Prepared once: every report runs these, a report of many flags the first two many times.
  const prepare = () => ({
    addCount: db
      .insert(flagUsage)
      .values({
        environmentId: sql.placeholder('environmentId'),
        flagKey: sql.placeholder('flagKey'),
        hour: sql.placeholder('hour'),
        variation: sql.placeholder('variation'),
        count: sql.placeholder('count'),
      })
      .onConflictDoUpdate({
        target: [flagUsage.environmentId, flagUsage.flagKey, flagUsage.hour, flagUsage.variation],
        set: { count: sql`${flagUsage.count} + excluded.count` },
      })
      .prepare(),
    evaluated: db
      .insert(flagLastEvaluated)
      .values({
        environmentId: sql.placeholder('environmentId'),
        flagKey: sql.placeholder('flagKey'),
        lastEvaluatedAt: sql.placeholder('at'),
      })
      .onConflictDoUpdate({
        target: [flagLastEvaluated.environmentId, flagLastEvaluated.flagKey],
        set: { lastEvaluatedAt: sql`max(${flagLastEvaluated.lastEvaluatedAt}, excluded.last_evaluated_at)` },
      })
      .prepare(),
    seen: db
      .insert(sdkInstances)
      .values({
        environmentId: sql.placeholder('environmentId'),
        instanceId: sql.placeholder('instanceId'),
        sdkName: sql.placeholder('sdkName'),
        sdkVersion: sql.placeholder('sdkVersion'),
        revision: sql.placeholder('revision'),
        keyKind: sql.placeholder('keyKind'),
        firstSeenAt: sql.placeholder('at'),
        lastSeenAt: sql.placeholder('at'),
      })
      .onConflictDoUpdate({
        target: [sdkInstances.environmentId, sdkInstances.instanceId],
        set: {
          sdkName: sql`excluded.sdk_name`,
          sdkVersion: sql`excluded.sdk_version`,
          revision: sql`excluded.revision`,
          keyKind: sql`excluded.key_kind`,
          lastSeenAt: sql`excluded.last_seen_at`,
        },
      })
      .prepare(),
  });

  return {
    /** One transaction per report; the write lock is held for a few upserts only. */
    record(record: TelemetryRecord): void {
      prepared ??= prepare();
      const { addCount, evaluated, seen } = prepared;
      const { environmentId, hour } = record;
      db.transaction(
        () => {
          for (const flag of record.flags) {
            let total = 0;
            for (const { variation, count: n } of flag.counts) {
              if (n <= 0) continue;
              total += n;
              addCount.run({ environmentId, flagKey: flag.flagKey, hour, variation, count: n });
            }
            if (total > 0) evaluated.run({ environmentId, flagKey: flag.flagKey, at: record.evaluatedAt });
          }
          seen.run({
            environmentId,
            instanceId: record.instanceId,
            sdkName: record.sdk.name,
            sdkVersion: record.sdk.version,
            revision: record.revision,
            keyKind: record.keyKind,
            at: record.receivedAt,
          });
        },
        { behavior: 'immediate' },
      );
    },

    instanceRevisions(environmentId: number, query: InstanceRevisionQuery): InstanceRevisions {
      const seen = and(
        eq(sdkInstances.environmentId, environmentId),
        gte(sdkInstances.lastSeenAt, query.seenSince),
        query.keyKind === undefined ? undefined : eq(sdkInstances.keyKind, query.keyKind),
      );
      // One read transaction: the counts and the list describe the same moment.
      return db.transaction((tx) => {
        const counts = tx
          .select({
            seen: count(),
            current: sql<number>`coalesce(sum(${sdkInstances.revision} >= ${query.currentRevision}), 0)`,
          })
          .from(sdkInstances)
          .where(seen)
          .get();
        const lagging = tx
          .select()
          .from(sdkInstances)
          .where(and(seen, lt(sdkInstances.revision, query.currentRevision)))
          .orderBy(
            asc(sdkInstances.revision),
            sql`${sdkInstances.lastSeenAt} desc`,
            asc(sdkInstances.instanceId),
          )
          .limit(query.laggingLimit)
          .all();
        return {
          seen: counts?.seen ?? 0,
          current: counts?.current ?? 0,
          lagging: lagging.map(
            (row): SdkInstance => ({
              instanceId: row.instanceId,
              sdk: { name: row.sdkName, version: row.sdkVersion },
              revision: row.revision,
              keyKind: row.keyKind,
              firstSeenAt: row.firstSeenAt,
              lastSeenAt: row.lastSeenAt,
            }),
          ),
        };
      });
    },

    flagUsage(environmentId: number, query: { since: Date; flagKey?: string }): FlagUsage[] {
      const since = new Date(Math.floor(query.since.getTime() / hourMs) * hourMs);
      const oneFlag = (column: typeof flagUsage.flagKey | typeof flagLastEvaluated.flagKey) =>
        query.flagKey === undefined ? undefined : eq(column, query.flagKey);
      return db.transaction((tx) => {
        const lastEvaluated = tx
          .select()
          .from(flagLastEvaluated)
          .where(and(eq(flagLastEvaluated.environmentId, environmentId), oneFlag(flagLastEvaluated.flagKey)))
          .all();
        const rows = tx
          .select()
          .from(flagUsage)
          .where(
            and(
              eq(flagUsage.environmentId, environmentId),
              gte(flagUsage.hour, since),
              oneFlag(flagUsage.flagKey),
            ),
          )
          .orderBy(asc(flagUsage.flagKey), asc(flagUsage.hour), asc(flagUsage.variation))
          .all();
        const byKey = new Map<string, FlagUsage>();
        const entry = (flagKey: string) => {
          let usage = byKey.get(flagKey);
          if (usage === undefined) {
            usage = { flagKey, lastEvaluatedAt: null, hours: [] };
            byKey.set(flagKey, usage);
          }
          return usage;
        };
        for (const row of lastEvaluated) entry(row.flagKey).lastEvaluatedAt = row.lastEvaluatedAt;
        for (const row of rows) {
          const { hours } = entry(row.flagKey);
          let last = hours.at(-1);
          if (last === undefined || last.hour.getTime() !== row.hour.getTime()) {
            last = { hour: row.hour, counts: [] };
            hours.push(last);
          }
          last.counts.push({ variation: row.variation, count: row.count });
        }
        return [...byKey.values()].sort((a, b) =>
          a.flagKey < b.flagKey ? -1 : a.flagKey > b.flagKey ? 1 : 0,
        );
      });
    },

    prune(
      environmentId: number,
      cutoffs: { instancesSeenBefore: Date; usageBefore: Date },
    ): { instances: number; usageRows: number } {
      return db.transaction(
        (tx) => {
          const instances = tx
            .delete(sdkInstances)
            .where(
              and(
                eq(sdkInstances.environmentId, environmentId),
                lt(sdkInstances.lastSeenAt, cutoffs.instancesSeenBefore),
              ),
            )
            .run().changes;
          const usageRows = tx
            .delete(flagUsage)
            .where(and(eq(flagUsage.environmentId, environmentId), lt(flagUsage.hour, cutoffs.usageBefore)))
            .run().changes;
          return { instances, usageRows };
        },
        { behavior: 'immediate' },
      );
    },
  };
}
