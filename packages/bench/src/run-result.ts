/** What a benchmark child process reports to the orchestrator (over the IPC channel). */
import type { ScenarioId } from './scenarios.js';
import type { SdkId } from './sdks/adapter.js';
import type { Tally } from './verification.js';

/** One timed run of one SDK on one scenario, in a fresh process. */
export interface RunResult {
  sdk: SdkId;
  scenario: ScenarioId;
  /** SDK package and version, e.g. `unleash-client@6.12.1`. */
  version: string;
  /** The call that was timed. */
  api: string;
  /** Whether that call is synchronous or returns a Promise (awaited in the timed loop). */
  mode: 'sync' | 'async';
  warmupEvals: number;
  evals: number;
  /** Wall-clock time of the timed loop. */
  elapsedNs: number;
  nsPerEval: number;
  /** The verification pass over all users, before warm-up. */
  tally: Tally;
  /** ON results counted during the timed loop. */
  timedOn: number;
  /** Garbage collections (any kind) that started during the timed loop. */
  gcDuringTimed: number;
}

export type WorkerMessage = { ok: true; result: RunResult } | { ok: false; error: string };
