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

import { runSuiteEntry } from '../suite-entry.js';
import { runServerBenchmarks } from './run-server-benchmarks.js';
import { SERVER_OPTIONS, serverPlan } from './server-plan.js';
import { renderServerReport } from './server-report.js';

runSuiteEntry({
  name: 'Server',
  options: SERVER_OPTIONS,
  plan: (values, quick) => serverPlan(values as Parameters<typeof serverPlan>[0], quick),
  run: runServerBenchmarks,
  render: renderServerReport,
});
