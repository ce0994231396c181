/**
 * Fan-out latency: `clients` SDK streams held by client processes (not the server's), then one flag
 * toggled at a time through the admin API, timed from just before the toggle is sent to the arrival
 * of its change event (id = the new revision) on each stream, on the machine's monotonic clock.
 */

import { summarizeLatencies } from '../server/latency.js';
import type { DeliveryPlan } from './delivery-plan.js';
import type { DeliveryDatabase } from './delivery-seed.js';
import { startDeliveryServer, stopDeliveryServer } from './delivery-server.js';
import { type ChangeTiming, deliveryLatencies } from './fanout-stats.js';
import { environmentRevision, toggleFlag } from './flag-change.js';
import { treeResidentBytes } from './proc-status.js';
import { sleep } from './sleep.js';
import { StreamPool } from './stream-pool.js';

export interface FanoutResults {
  clients: number;
  workers: number;
  /** Server processes (the server's `--workers`). */
  serverWorkers: number;
  /** Wall time of opening every stream (each counted once its snapshot arrived). */
  connectMs: number;
  /** Server RSS with every stream open (all its processes). */
  serverRssBytes: number;
  /** Untimed changes first (JIT warm-up), then the timed ones. */
  warmupChanges: number;
  changes: ChangeTiming[];
}

/** Quiet time between changes, so one change's stragglers and garbage do not time the next. */
const PAUSE_MS = 500;

/** Times `changes` flag changes reaching `clients` streams, on a server of its own. */
export async function measureFanout(
  db: DeliveryDatabase,
  plan: Pick<DeliveryPlan, 'clients' | 'changes' | 'workers' | 'serverWorkers' | 'serverNodeOptions'>,
  progress: (line: string) => void,
): Promise<FanoutResults> {
  const server = await startDeliveryServer(db.dbPath, {
    nodeArgs: plan.serverNodeOptions,
    extraArgs: ['--workers', String(plan.serverWorkers)],
  });
  const pool = await StreamPool.start(plan.workers, server.url, db.sdkKey);
  try {
    const t0 = performance.now();
    await pool.add(plan.clients);
    const connectMs = performance.now() - t0;
    progress(
      `  ${pool.open.toLocaleString('en-US')} streams open in ${(connectMs / 1000).toFixed(1)} s ` +
        `(${plan.workers} client processes, ${plan.serverWorkers} server processes)`,
    );
    await sleep(1_000);
    const serverRssBytes = treeResidentBytes(server.pid);
    const warmupChanges = 2;
    const changes: ChangeTiming[] = [];
    for (let i = 0; i < warmupChanges + plan.changes; i++) {
      const revision = (await environmentRevision(server.url, db.adminKey)) + 1;
      const arrivals = pool.arrivals(revision);
      const { sentAtMs, committedAtMs } = await toggleFlag(server.url, db.adminKey, db.changedFlag);
      const delivery = summarizeLatencies(deliveryLatencies(sentAtMs, await arrivals));
      if (pool.errors.length > 0) throw new Error(`stream clients failed: ${pool.errors.join('; ')}`);
      const timed = i >= warmupChanges;
      if (timed) changes.push({ revision, commitMs: committedAtMs - sentAtMs, delivery });
      progress(
        `  ${timed ? `change ${i - warmupChanges + 1}/${plan.changes}` : 'warm-up change'} (revision ${revision}): ` +
          `p50 ${delivery.p50.toFixed(1)} ms, p99 ${delivery.p99.toFixed(1)} ms, max ${delivery.max.toFixed(1)} ms ` +
          `(committed in ${(committedAtMs - sentAtMs).toFixed(1)} ms)`,
      );
      await sleep(PAUSE_MS);
    }
    await pool.closeStreams();
    pool.stop();
    await stopDeliveryServer(server);
    return {
      clients: plan.clients,
      workers: plan.workers,
      serverWorkers: plan.serverWorkers,
      connectMs,
      serverRssBytes,
      warmupChanges,
      changes,
    };
  } finally {
    pool.stop();
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  }
}
