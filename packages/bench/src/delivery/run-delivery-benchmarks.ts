/**
 * The SDK-delivery benchmarks on one temporary database: seed it, then fan-out latency, concurrent
 * streams and remote-evaluation throughput, each on a fresh server. The database lives in a new
 * directory under os.tmpdir(), removed afterwards; every process started is killed, whether the run
 * succeeds or fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killTracked } from '../child-processes.js';
import type { DeliveryPlan } from './delivery-plan.js';
import { seedDeliveryDatabase } from './delivery-seed.js';
import { type FanoutResults, measureFanout } from './fanout-bench.js';
import { measureRps, type RpsResults } from './rps-bench.js';
import { measureStreams, type StreamsResults } from './streams-bench.js';

export interface DeliveryResults {
  plan: DeliveryPlan;
  fanout: FanoutResults | undefined;
  streams: StreamsResults | undefined;
  rps: RpsResults | undefined;
}

export async function runDeliveryBenchmarks(
  plan: DeliveryPlan,
  progress: (line: string) => void,
): Promise<DeliveryResults> {
  const dir = mkdtempSync(join(tmpdir(), 'ensign-delivery-'));
  // Also on an interrupt: node-launch.ts exits the process on SIGINT/SIGTERM, and `finally` blocks
  // do not run on process.exit, but 'exit' listeners do.
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  try {
    progress(`Delivery: seeding ${plan.flags} flags and the scenario flags in ${dir} …`);
    const db = await seedDeliveryDatabase(join(dir, 'ensign.db'), plan.flags);
    const results: DeliveryResults = { plan, fanout: undefined, streams: undefined, rps: undefined };
    if (plan.parts.includes('fanout')) {
      progress(`Delivery: fan-out to ${plan.clients.toLocaleString('en-US')} streams …`);
      results.fanout = await measureFanout(db, plan, progress);
    }
    if (plan.parts.includes('streams')) {
      progress(`Delivery: ${plan.streams.toLocaleString('en-US')} concurrent streams …`);
      results.streams = await measureStreams(db, plan, progress);
    }
    if (plan.parts.includes('rps')) {
      progress('Delivery: remote evaluation throughput …');
      results.rps = await measureRps(db, plan, progress);
    }
    return results;
  } finally {
    await killTracked();
    process.off('exit', removeDir);
    removeDir();
  }
}
