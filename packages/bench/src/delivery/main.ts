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
 *   --server-workers N        server processes for fan-out, the server's --workers (default 1)
 *   --rps-seconds S           seconds per timed throughput run (default 10)
 *   --rps-runs N              timed runs per endpoint (default 3; the median is reported)
 *   --rps-connections N       load generator connections (default 32)
 *   --delivery-flags N        plain flags besides the two scenario flags (default 20)
 *   --server-node-options="…" node options for the server (with "="), e.g. "--cpu-prof --cpu-prof-dir=/tmp/p"
 *   --out FILE                also write the report to FILE
 */

import { runSuiteEntry } from '../suite-entry.js';
import { DELIVERY_OPTIONS, deliveryPlan } from './delivery-plan.js';
import { renderDeliveryReport } from './delivery-report.js';
import { runDeliveryBenchmarks } from './run-delivery-benchmarks.js';

runSuiteEntry({
  name: 'Delivery',
  options: DELIVERY_OPTIONS,
  plan: (values, quick) => deliveryPlan(values as Parameters<typeof deliveryPlan>[0], quick),
  run: runDeliveryBenchmarks,
  render: renderDeliveryReport,
});
