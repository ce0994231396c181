/**
 * Concurrent streams in one server process: streams opened in steps up to the target (or to what
 * the server's open-files limit allows, which is then reported), the server's RSS read from
 * /proc/<pid>/status after each step, and one change delivered to all of them at the end, which
 * proves they were live streams and not merely open sockets.
 */
import { type LatencySummary, summarizeLatencies } from '../server/latency.js';
import type { DeliveryPlan } from './delivery-plan.js';
import type { DeliveryDatabase } from './delivery-seed.js';
import { startDeliveryServer, stopDeliveryServer } from './delivery-server.js';
import { deliveryLatencies } from './fanout-stats.js';
import { environmentRevision, toggleFlag } from './flag-change.js';
import { openFiles, openFilesLimit, residentBytes } from './proc-status.js';
import { sleep } from './sleep.js';
import { StreamPool } from './stream-pool.js';

export interface StreamStep {
  streams: number;
  rssBytes: number;
}

export interface StreamsResults {
  /** Streams asked for. */
  target: number;
  /** The server's soft open-files limit (undefined: unlimited). */
  openFilesLimit: number | undefined;
  /** Streams actually held: the target, or fewer when the limit does not allow it. */
  held: number;
  /** RSS before any stream, then after each step. */
  baselineRssBytes: number;
  steps: StreamStep[];
  /** The change delivered to every held stream at the end. */
  delivery: LatencySummary;
}

/** Descriptors kept free for everything else the server opens (database, admin requests). */
const SPARE_FDS = 32;
const STEPS = 4;

/**
 * The streams `limit` allows beside `inUse` descriptors: the target, or less.
 *
 * @example streamsAllowed(20_000, 20_000, 25) // 19,943
 */
export function streamsAllowed(target: number, limit: number | undefined, inUse: number): number {
  return limit === undefined ? target : Math.max(0, Math.min(target, limit - inUse - SPARE_FDS));
}

export async function measureStreams(
  db: DeliveryDatabase,
  plan: Pick<DeliveryPlan, 'streams' | 'workers' | 'serverNodeOptions'>,
  progress: (line: string) => void,
): Promise<StreamsResults> {
  const server = await startDeliveryServer(db.dbPath, { nodeArgs: plan.serverNodeOptions });
  const pool = await StreamPool.start(plan.workers, server.url, db.sdkKey);
  try {
    await sleep(1_000);
    const limit = openFilesLimit(server.pid);
    const held = streamsAllowed(plan.streams, limit, openFiles(server.pid));
    if (held < plan.streams)
      progress(
        `  the server may open ${limit} files (a hard limit this process cannot raise): ` +
          `holding ${held.toLocaleString('en-US')} streams, not ${plan.streams.toLocaleString('en-US')}`,
      );
    const baselineRssBytes = residentBytes(server.pid);
    const steps: StreamStep[] = [];
    for (let step = 1; step <= STEPS; step++) {
      await pool.add(Math.round((held * step) / STEPS) - pool.open);
      await sleep(2_000);
      const rssBytes = residentBytes(server.pid);
      steps.push({ streams: pool.open, rssBytes });
      progress(`  ${pool.open.toLocaleString('en-US')} streams: RSS ${(rssBytes / 2 ** 20).toFixed(0)} MiB`);
    }
    const revision = (await environmentRevision(server.url, db.adminKey)) + 1;
    const arrivals = pool.arrivals(revision, 120_000);
    const { sentAtMs } = await toggleFlag(server.url, db.adminKey, db.changedFlag);
    const delivery = summarizeLatencies(deliveryLatencies(sentAtMs, await arrivals));
    if (pool.errors.length > 0) throw new Error(`stream clients failed: ${pool.errors.join('; ')}`);
    progress(
      `  one change reached all ${pool.open.toLocaleString('en-US')}: p50 ${delivery.p50.toFixed(1)} ms, ` +
        `p99 ${delivery.p99.toFixed(1)} ms, max ${delivery.max.toFixed(1)} ms`,
    );
    await pool.closeStreams();
    pool.stop();
    await stopDeliveryServer(server);
    return { target: plan.streams, openFilesLimit: limit, held, baselineRssBytes, steps, delivery };
  } finally {
    pool.stop();
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  }
}
