/**
 * `pnpm --filter @ensign/bench delivery`: the SDK-delivery benchmarks alone (fan-out latency,
 * concurrent streams, remote-evaluation throughput); `pnpm bench` runs them with the others.
 *
 * Options (see docs/benchmarks.md, "SDK delivery: fan-out, streams, remote evaluation"):
 *   --quick                   a smoke run (1,000 clients, 2,000 streams, 2-second throughput runs)
 *   --delivery fanout,streams,rps  which parts (default all)
 *   --clients N               SSE clients for fan-out (default 10,000)
 *   --changes N               timed changes (default 10)
 *   --streams N               concurrent streams to hold (default 20,000)
 *   --client-workers N        client processes sharing the streams (default 4)
 *   --rps-seconds S           seconds per timed throughput run (default 10)
 *   --rps-runs N              timed runs per endpoint (default 3; the median is reported)
 *   --rps-connections N       load generator connections (default 32)
 *   --delivery-flags N        plain flags besides the two scenario flags (default 20)
 *   --server-node-options="…" node options for the server (with "="), e.g. "--cpu-prof --cpu-prof-dir=/tmp/p"
 *   --out FILE                also write the report to FILE
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeMachine, loadAverage } from '../machine.js';
import { DELIVERY_OPTIONS, deliveryPlan } from './delivery-plan.js';
import { renderDeliveryReport } from './delivery-report.js';
import { runDeliveryBenchmarks } from './run-delivery-benchmarks.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { values } = parseArgs({
    // `pnpm … delivery -- --quick` passes the `--` through; accept it.
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: { quick: { type: 'boolean', default: false }, out: { type: 'string' }, ...DELIVERY_OPTIONS },
    strict: true,
  });
  const plan = deliveryPlan(values, values.quick);
  const machine = describeMachine();
  const startedAt = new Date();
  const loadBefore = loadAverage();
  console.error(`Delivery benchmarks: ${machine.cores} cores, load ${loadBefore.toFixed(2)}.`);
  if (loadBefore > machine.cores * 0.5)
    console.error(`  warning: the machine is busy (load ${loadBefore.toFixed(2)}); numbers may be noisy.`);
  const results = await runDeliveryBenchmarks(plan, (line) => console.error(line));
  const report = renderDeliveryReport({
    machine,
    startedAt,
    durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
    load: { before: loadBefore, after: loadAverage() },
    results,
  });
  console.log(`\n${report}`);
  if (values.out !== undefined) writeFileSync(values.out, report);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
