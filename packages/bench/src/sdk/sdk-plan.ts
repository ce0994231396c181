/** What the Node SDK benchmarks run (`src/sdk/`), from command-line options. */
import { pick, positiveInt } from '../cli-args.js';

/** The parts: evaluation through the API, through OpenFeature, heap, reconnect storm. */
export const SDK_PARTS = ['api', 'openfeature', 'heap', 'storm'] as const;
export type SdkPart = (typeof SDK_PARTS)[number];

export interface SdkPlan {
  parts: SdkPart[];
  /** Runs per SDK and scenario, and heap runs per subject; medians are reported. */
  runs: number;
  /** Through the API: timed and warm-up evaluations per run. */
  evals: number;
  warmupEvals: number;
  /** Through OpenFeature (about 20 µs each): timed and warm-up evaluations per run. */
  ofEvals: number;
  ofWarmupEvals: number;
  /** The reconnect storm: clients, the processes holding them, and how long to wait for them. */
  stormClients: number;
  stormProcesses: number;
  stormTimeoutMs: number;
}

/**
 * The `parseArgs` options only the SDK benchmarks read, for merging into a CLI's own (`--runs`,
 * `--evals` and `--warmup` are the evaluation suite's, read too).
 */
export const SDK_OPTIONS = {
  'sdk-part': { type: 'string' },
  'of-evals': { type: 'string' },
  'of-warmup': { type: 'string' },
  'storm-clients': { type: 'string' },
  'storm-processes': { type: 'string' },
} as const;

export type SdkOptionValues = {
  [K in keyof typeof SDK_OPTIONS | 'runs' | 'evals' | 'warmup']?: string | undefined;
};

/**
 * The plan from parsed option values; `quick` scales it down to a smoke run (1 run, fewer
 * evaluations, 200 storm clients), which says nothing about the targets.
 *
 * @example
 * sdkPlan({ 'sdk-part': 'heap' }, true) // { parts: ['heap'], runs: 1, … }
 */
export function sdkPlan(values: SdkOptionValues, quick: boolean): SdkPlan {
  const plan: SdkPlan = {
    parts: pick(values['sdk-part'], SDK_PARTS, 'sdk part'),
    runs: positiveInt(values.runs, quick ? 1 : 5, 'runs'),
    evals: positiveInt(values.evals, quick ? 200_000 : 1_000_000, 'evals'),
    warmupEvals: positiveInt(values.warmup, quick ? 50_000 : 200_000, 'warmup'),
    ofEvals: positiveInt(values['of-evals'], quick ? 20_000 : 200_000, 'of-evals'),
    ofWarmupEvals: positiveInt(values['of-warmup'], quick ? 10_000 : 50_000, 'of-warmup'),
    stormClients: positiveInt(values['storm-clients'], quick ? 200 : 1_000, 'storm-clients'),
    stormProcesses: positiveInt(values['storm-processes'], quick ? 2 : 4, 'storm-processes'),
    stormTimeoutMs: 90_000,
  };
  if (plan.stormProcesses > plan.stormClients)
    throw new Error(
      `--storm-processes ${plan.stormProcesses} is more than --storm-clients ${plan.stormClients}`,
    );
  return plan;
}
