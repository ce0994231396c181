/**
 * `pnpm bench`: runs every SDK on every scenario, each run in a fresh child process, then the server
 * benchmarks (flag writes, start to ready; `src/server/`), then the SDK-delivery benchmarks (fan-out,
 * concurrent streams, remote evaluation; `src/delivery/`), and prints the markdown report.
 *
 * Options:
 *   --suite eval,server,delivery,sdk  which benchmarks (default all): `eval` (SDKs evaluating
 *                        flags), `server`, `delivery`, `sdk` (the Node SDK: API, OpenFeature, heap,
 *                        reconnect storm); the options of `src/server/main.ts`, `src/delivery/main.ts`
 *                        and `src/sdk/main.ts` apply too
 *   --quick              1 run of 200,000 evaluations (50,000 warm-up), short server and delivery runs: a smoke test
 *   --sdk a,b            only these SDKs (ensign, ensign-node, ensign-node-counted, configcat,
 *                        growthbook, launchdarkly, unleash)
 *   --scenario a|b       only this scenario (or "a,b")
 *   --runs N             runs per SDK and scenario (default 5; the median is reported)
 *   --evals N            timed evaluations per run (default 1,000,000)
 *   --warmup N           warm-up evaluations per run (default 200,000)
 *   --out FILE           also write the report to FILE
 *
 * Exits non-zero when a worker fails, which includes a misconfigured flag (wrong ON fractions) and
 * an SDK that tried to reach the network, or when a server benchmark fails (a write not committed,
 * a server that does not start or stop cleanly). A missed target is reported, not a failure.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pick, positiveInt } from './cli-args.js';
import { DELIVERY_OPTIONS, type DeliveryPlan, deliveryPlan } from './delivery/delivery-plan.js';
import { renderDeliveryReport } from './delivery/delivery-report.js';
import { runDeliveryBenchmarks } from './delivery/run-delivery-benchmarks.js';
import { describeMachine, loadAverage, type Machine } from './machine.js';
import { aggregate, formatNs, renderReport } from './report.js';
import type { RunResult } from './run-result.js';
import { SCENARIO_IDS, type ScenarioId } from './scenarios.js';
import { runSdkBenchmarks } from './sdk/run-sdk-benchmarks.js';
import { SDK_OPTIONS, type SdkPlan, sdkPlan } from './sdk/sdk-plan.js';
import { SDK_IDS, type SdkId } from './sdks/adapter.js';
import { isSdkId } from './sdks/registry.js';
import { runServerBenchmarks } from './server/run-server-benchmarks.js';
import { SERVER_OPTIONS, type ServerPlan, serverPlan } from './server/server-plan.js';
import { renderServerReport } from './server/server-report.js';
import { describeTally } from './verification.js';
import { runWorker } from './worker-run.js';

const SUITES = ['eval', 'server', 'delivery', 'sdk'] as const;
type Suite = (typeof SUITES)[number];

interface Plan {
  suites: Suite[];
  server: ServerPlan;
  delivery: DeliveryPlan;
  sdkBench: SdkPlan;
  sdks: SdkId[];
  scenarios: ScenarioId[];
  runs: number;
  evals: number;
  warmupEvals: number;
  out: string | undefined;
}

function parsePlan(argv: string[]): Plan {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      suite: { type: 'string' },
      sdk: { type: 'string' },
      scenario: { type: 'string' },
      runs: { type: 'string' },
      evals: { type: 'string' },
      warmup: { type: 'string' },
      out: { type: 'string' },
      ...SERVER_OPTIONS,
      ...DELIVERY_OPTIONS,
      ...SDK_OPTIONS,
    },
    strict: true,
  });
  const sdks = pick(values.sdk, SDK_IDS, 'sdk');
  if (!sdks.every(isSdkId)) throw new Error('unknown sdk');
  return {
    suites: pick(values.suite, SUITES, 'suite'),
    server: serverPlan(values, values.quick),
    delivery: deliveryPlan(values, values.quick),
    sdkBench: sdkPlan(values, values.quick),
    sdks,
    scenarios: pick(values.scenario, SCENARIO_IDS, 'scenario'),
    runs: positiveInt(values.runs, values.quick ? 1 : 5, 'runs'),
    evals: positiveInt(values.evals, values.quick ? 200_000 : 1_000_000, 'evals'),
    warmupEvals: positiveInt(values.warmup, values.quick ? 50_000 : 200_000, 'warmup'),
    out: values.out,
  };
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** The evaluation benchmarks; the report, or undefined after a failure (already printed). */
async function runEvaluations(plan: Plan, machine: Machine): Promise<string | undefined> {
  const startedAt = new Date();
  const loadBefore = loadAverage();
  console.error(
    `Benchmarking ${plan.sdks.join(', ')} on scenario(s) ${plan.scenarios.join(', ').toUpperCase()}: ` +
      `${plan.runs} run(s) × (${plan.warmupEvals.toLocaleString('en-US')} warm-up + ${plan.evals.toLocaleString('en-US')} timed), ` +
      `${machine.cores} cores, load ${loadBefore.toFixed(2)}.`,
  );
  if (loadBefore > machine.cores * 0.5) {
    console.error(`  warning: the machine is busy (load ${loadBefore.toFixed(2)}); numbers may be noisy.`);
  }

  // Interleave: run r of every pair before run r+1 of any, so background load spreads over all
  // SDKs instead of skewing one.
  const results: RunResult[] = [];
  const warned = new Set<string>();
  for (let run = 1; run <= plan.runs; run++) {
    for (const scenario of plan.scenarios) {
      for (const sdk of plan.sdks) {
        const child = await runWorker(sdk, scenario, plan);
        const label = `${sdk}/${scenario.toUpperCase()}`;
        if (child.code !== 0 || child.message?.ok !== true) {
          const why = child.message?.ok === false ? child.message.error : `exit code ${child.code}`;
          console.error(`\nFAILED ${label} (run ${run}): ${why}`);
          if (child.output.trim() !== '') console.error(indent(child.output));
          return undefined;
        }
        const result = child.message.result;
        const earlier = results.find((r) => r.sdk === sdk && r.scenario === scenario);
        if (earlier !== undefined && JSON.stringify(earlier.tally) !== JSON.stringify(result.tally)) {
          console.error(
            `\nFAILED ${label}: served different values in run ${run} than in run 1 (not deterministic)`,
          );
          return undefined;
        }
        results.push(result);
        console.error(
          `  run ${run}/${plan.runs} ${label.padEnd(15)} ${formatNs(result.nsPerEval).padStart(7)} ns/eval   ` +
            describeTally(scenario, result.tally),
        );
        if (child.output.trim() !== '' && !warned.has(label)) {
          warned.add(label);
          console.error(indent(child.output));
        }
      }
    }
  }

  return renderReport({
    machine,
    startedAt,
    durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
    load: { before: loadBefore, after: loadAverage() },
    runs: plan.runs,
    evals: plan.evals,
    warmupEvals: plan.warmupEvals,
    rows: aggregate(results),
  });
}

/** The server benchmarks (src/server/): their report section. */
async function runServer(plan: Plan, machine: Machine): Promise<string> {
  const startedAt = new Date();
  const loadBefore = loadAverage();
  console.error(`Server benchmarks: ${machine.cores} cores, load ${loadBefore.toFixed(2)}.`);
  if (loadBefore > machine.cores * 0.5) {
    console.error(`  warning: the machine is busy (load ${loadBefore.toFixed(2)}); numbers may be noisy.`);
  }
  const results = await runServerBenchmarks(plan.server, (line) => console.error(line));
  return renderServerReport({
    machine,
    startedAt,
    durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
    load: { before: loadBefore, after: loadAverage() },
    results,
  });
}

/** The SDK-delivery benchmarks (src/delivery/): their report section. */
async function runDelivery(plan: Plan, machine: Machine): Promise<string> {
  const startedAt = new Date();
  const loadBefore = loadAverage();
  console.error(`Delivery benchmarks: ${machine.cores} cores, load ${loadBefore.toFixed(2)}.`);
  if (loadBefore > machine.cores * 0.5) {
    console.error(`  warning: the machine is busy (load ${loadBefore.toFixed(2)}); numbers may be noisy.`);
  }
  const results = await runDeliveryBenchmarks(plan.delivery, (line) => console.error(line));
  return renderDeliveryReport({
    machine,
    startedAt,
    durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
    load: { before: loadBefore, after: loadAverage() },
    results,
  });
}

async function main(): Promise<void> {
  // `pnpm bench -- --sdk x` passes the `--` through; accept it.
  const argv = process.argv.slice(2);
  const plan = parsePlan(argv[0] === '--' ? argv.slice(1) : argv);
  const machine = describeMachine();
  const sections: string[] = [];
  if (plan.suites.includes('eval')) {
    const report = await runEvaluations(plan, machine);
    if (report === undefined) {
      process.exitCode = 1;
      return;
    }
    sections.push(report);
  }
  if (plan.suites.includes('server')) {
    const report = await runServer(plan, machine);
    sections.push(plan.suites.length > 1 ? `## Server: writes and start-up\n\n${report}` : report);
  }
  if (plan.suites.includes('delivery')) {
    const report = await runDelivery(plan, machine);
    sections.push(
      plan.suites.length > 1 ? `## SDK delivery: fan-out, streams, remote evaluation\n\n${report}` : report,
    );
  }
  if (plan.suites.includes('sdk')) {
    const report = await runSdkBenchmarks(plan.sdkBench, (line) => console.error(line));
    sections.push(
      plan.suites.length > 1
        ? `## Node SDK: evaluation through the API, OpenFeature, heap, reconnect storm\n\n${report}`
        : report,
    );
  }
  const report = sections.join('\n');
  console.log(`\n${report}`);
  if (plan.out !== undefined) writeFileSync(plan.out, report);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
