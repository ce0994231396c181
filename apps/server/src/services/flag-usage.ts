/**
 * Flag usage in one environment, from SDK telemetry: hourly evaluation counts per variation and when
 * each flag was last evaluated. Lists defined flags that were never evaluated too (candidates for
 * removal) and reported keys that are not defined (code reading a flag that does not exist).
 */
import type { Environment, FlagUsage, Project, Store } from '../store/store.js';
import { DomainError } from './domain-error.js';
import { defaultVariationKey } from './telemetry.js';

const hourMs = 3_600_000;

export interface FlagUsageItem {
  key: string;
  /** The project defines this flag (archived or not). */
  defined: boolean;
  lastEvaluated: Date | null;
  /** Evaluations in the period. */
  total: number;
  /** Hours with evaluations, oldest first: variation index (or `"default"`) → evaluations. */
  hours: Array<{ hour: Date; counts: Record<string, number> }>;
}

export interface FlagUsageReport {
  /** The start of the first hour of the period (which ends now). */
  from: Date;
  flags: FlagUsageItem[];
}

/**
 * The last `hours` hours (the current one included) of every flag, or of `flagKey` only (404 when
 * the project does not define it and no SDK ever reported it).
 */
export async function flagUsageReport(
  store: Store,
  project: Project,
  env: Environment,
  query: { hours: number; flagKey?: string; now: Date },
): Promise<FlagUsageReport> {
  const from = new Date((Math.floor(query.now.getTime() / hourMs) - query.hours + 1) * hourMs);
  const [usage, defined] = await Promise.all([
    store.flagUsage(env.id, { since: from, ...(query.flagKey !== undefined && { flagKey: query.flagKey }) }),
    query.flagKey === undefined
      ? store.listFlags(project.id).then((flags) => flags.map((f) => f.key))
      : store.getFlag(project.id, query.flagKey).then((f) => (f === undefined ? [] : [f.key])),
  ]);
  const definedKeys = new Set(defined);
  const byKey = new Map<string, FlagUsage>(usage.map((u) => [u.flagKey, u]));
  for (const key of defined)
    if (!byKey.has(key)) byKey.set(key, { flagKey: key, lastEvaluatedAt: null, hours: [] });
  if (query.flagKey !== undefined && byKey.size === 0)
    throw new DomainError(
      'not_found',
      'not_found',
      `flag "${query.flagKey}" is not defined in project "${project.key}" and no SDK reported it in environment "${env.key}"`,
    );
  const flags = [...byKey.values()]
    .sort((a, b) => (a.flagKey < b.flagKey ? -1 : a.flagKey > b.flagKey ? 1 : 0))
    .map((u): FlagUsageItem => {
      let total = 0;
      const hours = u.hours.map(({ hour, counts }) => {
        const byVariation: Record<string, number> = {};
        for (const { variation, count } of counts) {
          byVariation[variation < 0 ? defaultVariationKey : String(variation)] = count;
          total += count;
        }
        return { hour, counts: byVariation };
      });
      return {
        key: u.flagKey,
        defined: definedKeys.has(u.flagKey),
        lastEvaluated: u.lastEvaluatedAt,
        total,
        hours,
      };
    });
  return { from, flags };
}
