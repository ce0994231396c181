/**
 * `pnpm --filter @ensign/bench server`: the server benchmarks alone (flag writes committed, start to
 * ready with 1,000 flags); `pnpm bench` runs them after the evaluation benchmarks.
 *
 * Options (see docs/benchmarks.md, "Server: writes and start-up"):
 *   --quick                   a smoke run (fewer writes and starts, shorter phases)
 *   --flags N                 flags in the database (default 1,000)
 *   --starts N                timed server starts (default 10)
 *   --warmup-writes N         untimed writes first (default 1,000)
 *   --writes N                timed writes with 1 in flight (default 5,000)
 *   --concurrency 8,32        requests in flight per throughput phase
 *   --concurrent-writes N     most writes per throughput phase (default 20,000)
 *   --phase-seconds S         most seconds per write phase (default 10)
 *   --server-node-options="…" node options for the server (with "="), e.g. "--cpu-prof --cpu-prof-dir=/tmp/p"
 *   --out FILE                also write the report to FILE
 *
 * Prints progress on stderr and the markdown report on stdout; exits non-zero when a write fails,
 * a server fails to start or does not stop cleanly.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeMachine, loadAverage } from '../machine.js';
import { runServerBenchmarks } from './run-server-benchmarks.js';
import { SERVER_OPTIONS, serverPlan } from './server-plan.js';
import { renderServerReport } from './server-report.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { values } = parseArgs({
    // `pnpm … server -- --quick` passes the `--` through; accept it.
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: { quick: { type: 'boolean', default: false }, out: { type: 'string' }, ...SERVER_OPTIONS },
    strict: true,
  });
  const plan = serverPlan(values, values.quick);
  const machine = describeMachine();
  const startedAt = new Date();
  const loadBefore = loadAverage();
  console.error(`Server benchmarks: ${machine.cores} cores, load ${loadBefore.toFixed(2)}.`);
  if (loadBefore > machine.cores * 0.5)
    console.error(`  warning: the machine is busy (load ${loadBefore.toFixed(2)}); numbers may be noisy.`);
  const results = await runServerBenchmarks(plan, (line) => console.error(line));
  const report = renderServerReport({
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
