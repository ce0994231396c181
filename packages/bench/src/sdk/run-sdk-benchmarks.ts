/**
 * The Node SDK benchmarks (issue 5) as one suite: runs the parts of an {@link SdkPlan} and returns
 * their markdown (the body of docs/benchmarks.md's "Node SDK" section). Used by `src/sdk/main.ts`
 * and, through `--suite sdk`, by `src/main.ts`.
 */
import { describeMachine, loadAverage } from '../machine.js';
import { rowsOf } from '../report.js';
import { OPENFEATURE_SDK_IDS, type SdkId } from '../sdks/adapter.js';
import { runEvaluations } from './evaluation-runs.js';
import { runHeapBenchmark } from './heap-benchmark.js';
import { runReconnectStorm } from './reconnect-storm.js';
import type { SdkPlan } from './sdk-plan.js';
import { renderEvaluationSection, renderHeapSection, renderStormSection } from './sdk-report.js';

/** `@ensign/core` directly beside `@ensign/node` in both configurations. */
const API_SDKS: readonly SdkId[] = ['ensign', 'ensign-node', 'ensign-node-counted'];
const SCENARIOS = ['a', 'b'] as const;

/** The report; throws when a part fails (a misconfigured SDK, a storm client that never reconnected). */
export async function runSdkBenchmarks(plan: SdkPlan, log: (line: string) => void): Promise<string> {
  const machine = describeMachine();
  const n = (x: number) => x.toLocaleString('en-US');
  const sections: string[] = [
    `Measured ${new Date().toISOString()} on ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ` +
      `${machine.os}, Node ${machine.node}; load average (1 min) ${loadAverage().toFixed(2)} at the start.`,
    '',
  ];

  if (plan.parts.includes('api')) {
    log(
      `Through the API: ${plan.runs} run(s) × (${n(plan.warmupEvals)} warm-up + ${n(plan.evals)} timed), load ${loadAverage().toFixed(2)}`,
    );
    const results = await runEvaluations(
      {
        sdks: API_SDKS,
        scenarios: SCENARIOS,
        runs: plan.runs,
        evals: plan.evals,
        warmupEvals: plan.warmupEvals,
      },
      log,
    );
    sections.push(
      `### Through the API (${plan.runs} run(s) per row, each in a fresh process: ${n(plan.warmupEvals)} warm-up + ${n(plan.evals)} timed evaluations; load after ${loadAverage().toFixed(2)})`,
      '',
      renderEvaluationSection(
        rowsOf(results, API_SDKS, 'ensign'),
        '"vs Ensign" is relative to `@ensign/core` evaluated directly.',
      ),
    );
  }
  if (plan.parts.includes('openfeature')) {
    log(
      `Through OpenFeature: ${plan.runs} run(s) × (${n(plan.ofWarmupEvals)} warm-up + ${n(plan.ofEvals)} timed), load ${loadAverage().toFixed(2)}`,
    );
    const results = await runEvaluations(
      {
        sdks: OPENFEATURE_SDK_IDS,
        scenarios: SCENARIOS,
        runs: plan.runs,
        evals: plan.ofEvals,
        warmupEvals: plan.ofWarmupEvals,
      },
      log,
    );
    sections.push(
      `### Through OpenFeature (${plan.runs} run(s) per row, each in a fresh process: ${n(plan.ofWarmupEvals)} warm-up + ${n(plan.ofEvals)} timed evaluations, awaited one at a time; load after ${loadAverage().toFixed(2)})`,
      '',
      renderEvaluationSection(
        rowsOf(results, OPENFEATURE_SDK_IDS, 'openfeature-ensign'),
        '"vs Ensign" is relative to Ensign\'s OpenFeature provider.',
      ),
    );
  }
  if (plan.parts.includes('heap')) {
    log(`Heap: ${plan.runs} run(s) per subject, load ${loadAverage().toFixed(2)}`);
    sections.push('### Heap with 1,000 flags', '', renderHeapSection(await runHeapBenchmark(plan.runs, log)));
  }
  if (plan.parts.includes('storm')) {
    log(
      `Reconnect storm: ${plan.stormClients} clients in ${plan.stormProcesses} processes, load ${loadAverage().toFixed(2)}`,
    );
    const storm = await runReconnectStorm(
      { clients: plan.stormClients, processes: plan.stormProcesses, timeoutMs: plan.stormTimeoutMs },
      log,
    );
    sections.push(
      `### Reconnect storm (load after ${loadAverage().toFixed(2)})`,
      '',
      renderStormSection(storm),
    );
    if (storm.missing > 0)
      throw new Error(`${storm.missing} storm clients did not reconnect:\n${sections.join('\n')}`);
  }
  return sections.join('\n');
}
