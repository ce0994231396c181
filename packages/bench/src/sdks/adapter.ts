/**
 * The interface every SDK adapter implements: configure the SDK offline for both scenarios, convert
 * the users to its native context type once, and expose one evaluation call per scenario.
 */
import type { ScenarioId } from '../scenarios.js';
import type { BenchUser } from '../users.js';

/**
 * The SDKs of the evaluation suite, Ensign's core first (the baseline for ratios), then Ensign's Node
 * SDK through its public API: `ensign-node` as configured offline (which turns evaluation counting
 * off) and `ensign-node-counted` configured as online, so that telemetry counts every evaluation.
 */
export const SDK_IDS = [
  'ensign',
  'ensign-node',
  'ensign-node-counted',
  'configcat',
  'growthbook',
  'launchdarkly',
  'unleash',
] as const;

/**
 * The same flags through OpenFeature's server API (`client.getBooleanValue`, async), one provider
 * each; run by `src/sdk/` (`pnpm sdk`) rather than by default in the evaluation suite, since each
 * evaluation costs microseconds. Unleash has no OpenFeature server provider (see docs/benchmarks.md).
 */
export const OPENFEATURE_SDK_IDS = [
  'openfeature-ensign',
  'openfeature-configcat',
  'openfeature-growthbook',
  'openfeature-launchdarkly',
] as const;

export type SdkId = (typeof SDK_IDS)[number] | (typeof OPENFEATURE_SDK_IDS)[number];

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
