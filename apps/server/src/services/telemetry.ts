/**
 * SDK telemetry: what an SDK instance reports for a time window (evaluation counts per flag and
 * variation, its SDK, the environment revision it holds) turned into one store write. The report's
 * shape is checked by the route's zod schema; the rules that depend on the server's clock are here.
 */
import type { FlagEvaluationCounts, SdkKeyKind, Store, TelemetryRecord } from '../store/store.js';
import { DomainError, type Issue } from './domain-error.js';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** How far in the future a window may end: SDK clocks drift, but not by more than this. */
export const maxClockSkewMs = 5 * 60_000;
/** How old a window may be: an SDK that was offline longer drops its counts instead of sending them. */
export const maxReportAgeMs = dayMs;
/** Instances not seen for this long are forgotten (browsers make a new one per page load). */
export const instanceRetentionMs = 7 * dayMs;
/** Hourly counts are kept this long (each flag's last evaluated time is kept for good). */
export const usageRetentionMs = 90 * dayMs;

/** The variation key of evaluations that served the caller's default (no variation could be served). */
export const defaultVariationKey = 'default';

/** A report as validated by the route (docs/protocol.md § Telemetry). */
export interface TelemetryReport {
  sdk: { name: string; version: string };
  instanceId: string;
  revision: number;
  window: { start: string; end: string };
  /** flag key → variation index (`"0"`, `"1"`, …) or `"default"` → evaluations. */
  flags: Record<string, Record<string, number>>;
}

/** The SDK key a report came with. */
export interface Reporter {
  environmentId: number;
  kind: SdkKeyKind;
}

export interface TelemetryRecorderOptions {
  now?: () => Date;
  /** Old instances and hours of an environment are pruned at most this often. Default 1 hour. */
  pruneEveryMs?: number;
  /** Called when pruning fails; the report itself was recorded. */
  onError?: (what: string, error: unknown) => void;
}

/**
 * Records reports. Every report is one store transaction; at most once an hour per environment the
 * recorder also prunes instances not seen for 7 days and hourly counts older than 90 days.
 *
 * @example
 * const record = telemetryRecorder(store);
 * await record({ environmentId: 3, kind: 'server' }, report);
 */
export function telemetryRecorder(store: Store, options: TelemetryRecorderOptions = {}) {
  const now = options.now ?? (() => new Date());
  const pruneEveryMs = options.pruneEveryMs ?? hourMs;
  const lastPruned = new Map<number, number>();

  return async function record(reporter: Reporter, report: TelemetryReport): Promise<void> {
    const receivedAt = now();
    await store.recordTelemetry(telemetryRecord(reporter, report, receivedAt));
    const at = receivedAt.getTime();
    if (at - (lastPruned.get(reporter.environmentId) ?? Number.NEGATIVE_INFINITY) < pruneEveryMs) return;
    lastPruned.set(reporter.environmentId, at);
    try {
      await store.pruneTelemetry(reporter.environmentId, {
        instancesSeenBefore: new Date(at - instanceRetentionMs),
        usageBefore: new Date(at - usageRetentionMs),
      });
    } catch (error) {
      // The report is stored; failing it now would make the SDK send its counts again.
      options.onError?.('pruning telemetry', error);
    }
  };
}

/**
 * The store record of a report received at `receivedAt`. Counts go to the UTC hour of the window's
 * start; the flags were last evaluated at its end (never later than now). Throws `invalid` when the
 * window is in the future or too old.
 */
export function telemetryRecord(
  reporter: Reporter,
  report: TelemetryReport,
  receivedAt: Date,
): TelemetryRecord {
  const start = Date.parse(report.window.start);
  const end = Date.parse(report.window.end);
  const now = receivedAt.getTime();
  const issues: Issue[] = [];
  if (end > now + maxClockSkewMs)
    issues.push({
      path: 'window.end',
      message: `is more than ${maxClockSkewMs / 60_000} minutes ahead of the server's clock (${receivedAt.toISOString()})`,
    });
  if (start < now - maxReportAgeMs)
    issues.push({
      path: 'window.start',
      message: `is more than ${maxReportAgeMs / hourMs} hours old: drop counts this old instead of sending them`,
    });
  if (issues.length > 0)
    throw new DomainError('invalid', 'invalid_body', 'The report is invalid', { issues });

  const flags: FlagEvaluationCounts[] = [];
  for (const [flagKey, byVariation] of Object.entries(report.flags)) {
    const counts: FlagEvaluationCounts['counts'] = [];
    for (const [variation, count] of Object.entries(byVariation))
      counts.push({ variation: variation === defaultVariationKey ? -1 : Number(variation), count });
    flags.push({ flagKey, counts });
  }
  return {
    environmentId: reporter.environmentId,
    instanceId: report.instanceId,
    sdk: { name: report.sdk.name, version: report.sdk.version },
    revision: report.revision,
    keyKind: reporter.kind,
    receivedAt,
    hour: new Date(Math.floor(start / hourMs) * hourMs),
    evaluatedAt: new Date(Math.min(end, now)),
    flags,
  };
}
