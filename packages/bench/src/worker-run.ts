/**
 * One evaluation run: an SDK on a scenario in a fresh `worker.js` process, so module loading, JIT
 * state and heap of one SDK never reach another's timing.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerMessage } from './run-result.js';
import type { ScenarioId } from './scenarios.js';
import type { SdkId } from './sdks/adapter.js';

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

/** What the worker reported, its exit code, and everything it printed (shown when it fails). */
export interface WorkerRun {
  message: WorkerMessage | undefined;
  code: number | null;
  output: string;
}

export function runWorker(
  sdk: SdkId,
  scenario: ScenarioId,
  counts: { evals: number; warmupEvals: number },
): Promise<WorkerRun> {
  return new Promise((resolve, reject) => {
    const child = fork(
      WORKER,
      [sdk, scenario, '--evals', String(counts.evals), '--warmup', String(counts.warmupEvals)],
      {
        // A clean heap before timing; production mode as a server would run (some SDKs check it).
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
    child.on('close', (code) => resolve({ message, code, output }));
  });
}
