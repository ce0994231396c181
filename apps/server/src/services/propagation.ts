/**
 * Propagation: has the environment's current revision reached the SDKs? Answers from what SDK
 * instances last reported (services/telemetry.ts): "revision 42: held by 310 of 310 instances seen in
 * the last minute". An instance is current when it holds the revision or a newer one.
 */
import type { Environment, SdkInstance, SdkKeyKind, Store } from '../store/store.js';

export interface PropagationQuery {
  /** Instances seen within this many seconds count. */
  windowSeconds: number;
  /** Only instances that report with this kind of key. */
  keyKind?: SdkKeyKind;
  /** At most this many lagging instances are listed. */
  laggingLimit: number;
  now: Date;
}

export interface Propagation {
  revision: number;
  windowSeconds: number;
  seen: number;
  current: number;
  lagging: SdkInstance[];
  summary: string;
}

/** @example const p = await propagation(store, env, { windowSeconds: 60, laggingLimit: 100, now: new Date() }); */
export async function propagation(
  store: Store,
  env: Environment,
  query: PropagationQuery,
): Promise<Propagation> {
  const { seen, current, lagging } = await store.instanceRevisions(env.id, {
    seenSince: new Date(query.now.getTime() - query.windowSeconds * 1000),
    currentRevision: env.revision,
    laggingLimit: query.laggingLimit,
    ...(query.keyKind !== undefined && { keyKind: query.keyKind }),
  });
  return {
    revision: env.revision,
    windowSeconds: query.windowSeconds,
    seen,
    current,
    lagging,
    summary: propagationSummary({ revision: env.revision, seen, current, ...query }),
  };
}

/**
 * One line for people and CI logs.
 *
 * @example
 * propagationSummary({ revision: 42, seen: 310, current: 309, windowSeconds: 60 })
 * // "revision 42: held by 309 of 310 instances seen in the last minute"
 */
export function propagationSummary(p: {
  revision: number;
  seen: number;
  current: number;
  windowSeconds: number;
  keyKind?: SdkKeyKind;
}): string {
  const what = p.keyKind === undefined ? 'instance' : `${p.keyKind} instance`;
  const when = `in the last ${duration(p.windowSeconds)}`;
  if (p.seen === 0) return `revision ${p.revision}: no ${what}s seen ${when}`;
  return `revision ${p.revision}: held by ${p.current} of ${p.seen} ${what}${p.seen === 1 ? '' : 's'} seen ${when}`;
}

/** 60 → "minute", 300 → "5 minutes", 90 → "90 seconds", 3600 → "hour". */
function duration(seconds: number): string {
  const units: Array<[string, number]> = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units)
    if (seconds % size === 0) return seconds === size ? unit : `${seconds / size} ${unit}s`;
  return seconds === 1 ? 'second' : `${seconds} seconds`;
}
