/**
 * The interface every SDK adapter implements: configure the SDK offline for both scenarios, convert
 * the users to its native context type once, and expose one evaluation call per scenario.
 */
import type { ScenarioId } from '../scenarios.js';
import type { BenchUser } from '../users.js';

/** Every SDK the benchmark knows, Ensign first (the baseline for ratios). */
export const SDK_IDS = ['ensign', 'configcat', 'growthbook', 'launchdarkly', 'unleash'] as const;

export type SdkId = (typeof SDK_IDS)[number];

/**
 * Evaluates the scenario's flag for the user at `index` (0 ≤ index < users.length) and returns the
 * flag's value as the SDK gives it; ON is `true` (callers compare with `=== true`). Contexts are
 * built before timing starts, so only the evaluation call is timed.
 */
export type Evaluator =
  | { readonly mode: 'sync'; readonly evaluate: (index: number) => unknown }
  | { readonly mode: 'async'; readonly evaluate: (index: number) => Promise<unknown> };

/** An SDK client configured with both scenario flags and the users' contexts. */
export interface SdkSession {
  /** The evaluation call that is timed, as code, e.g. `client.isEnabled(flag, ctx)`. */
  readonly api: string;
  /** The SDK package and version actually loaded. */
  readonly version: string;
  evaluator(scenario: ScenarioId): Evaluator;
  /** Stops timers and releases the client so the process can exit. */
  close(): Promise<void>;
}

export interface SdkAdapter {
  readonly id: SdkId;
  /** Creates an offline client for `users`. Throws when the SDK rejects the configuration. */
  start(users: readonly BenchUser[]): Promise<SdkSession>;
}
