/**
 * Evaluation runs for the SDK benchmarks, exactly as the evaluation suite runs them: each run of an
 * SDK on a scenario in a fresh `worker.js` process (with `--expose-gc`, `NODE_ENV=production`),
 * runs interleaved across SDKs, the served values checked in the worker and compared across runs.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatNs } from '../report.js';
import type { RunResult, WorkerMessage } from '../run-result.js';
import type { ScenarioId } from '../scenarios.js';
import type { SdkId } from '../sdks/adapter.js';
import { describeTally } from '../verification.js';

const WORKER = fileURLToPath(new URL('../worker.js', import.meta.url));

export interface EvaluationPlan {
  sdks: readonly SdkId[];
  scenarios: readonly ScenarioId[];
  runs: number;
  evals: number;
  warmupEvals: number;
}

function runWorker(
  sdk: SdkId,
  scenario: ScenarioId,
  plan: EvaluationPlan,
): Promise<{ message?: WorkerMessage; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = fork(
      WORKER,
      [sdk, scenario, '--evals', String(plan.evals), '--warmup', String(plan.warmupEvals)],
      {
        execArgv: ['--expose-gc'],
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    let output = '';
    let message: WorkerMessage | undefined;
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('message', (m) => (message = m as WorkerMessage));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ...(message !== undefined && { message }), code, output }));
  });
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
