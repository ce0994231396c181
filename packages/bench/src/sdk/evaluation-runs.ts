/**
 * Evaluation runs for the SDK benchmarks, exactly as the evaluation suite runs them: each run of an
 * SDK on a scenario in a fresh `worker.js` process (with `--expose-gc`, `NODE_ENV=production`),
 * runs interleaved across SDKs, the served values checked in the worker and compared across runs.
 */
import { formatNs } from '../report.js';
import type { RunResult } from '../run-result.js';
import type { ScenarioId } from '../scenarios.js';
import type { SdkId } from '../sdks/adapter.js';
import { describeTally } from '../verification.js';
import { runWorker } from '../worker-run.js';

export interface EvaluationPlan {
  sdks: readonly SdkId[];
  scenarios: readonly ScenarioId[];
  runs: number;
  evals: number;
  warmupEvals: number;
}

/** Every run of `plan`; throws on the first failed run (its output in the message). */
export async function runEvaluations(
  plan: EvaluationPlan,
  log: (line: string) => void,
): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (let run = 1; run <= plan.runs; run++) {
    for (const scenario of plan.scenarios) {
      for (const sdk of plan.sdks) {
        const child = await runWorker(sdk, scenario, plan);
        const label = `${sdk}/${scenario.toUpperCase()}`;
        if (child.code !== 0 || child.message?.ok !== true) {
          const why = child.message?.ok === false ? child.message.error : `exit code ${child.code}`;
          throw new Error(`${label} failed (run ${run}): ${why}\n${child.output.trim()}`);
        }
        const result = child.message.result;
        const first = results.find((r) => r.sdk === sdk && r.scenario === scenario);
        if (first !== undefined && JSON.stringify(first.tally) !== JSON.stringify(result.tally))
          throw new Error(`${label} served different values in run ${run} than in run 1`);
        results.push(result);
        log(
          `  run ${run}/${plan.runs} ${label.padEnd(28)} ${formatNs(result.nsPerEval).padStart(7)} ns/eval   ${describeTally(scenario, result.tally)}`,
        );
      }
    }
  }
  return results;
}
