/**
 * The two benchmark flags, as SDK-neutral data (docs/benchmarks.md, "Scenarios"). Each adapter in
 * `sdks/` translates these into its own SDK's configuration format, so every SDK is configured
 * from one definition.
 */
import { type BenchUser, PLANS } from './users.js';

export type ScenarioId = 'a' | 'b';

export const SCENARIO_IDS: readonly ScenarioId[] = ['a', 'b'];

/**
 * Scenario A: ON iff `country` ∈ {DE, FR, NL} AND the user is in a 30 % rollout bucketed by `key`;
 * OFF otherwise (the flag's default).
 */
export const SCENARIO_A = {
  id: 'a',
  flagKey: 'scenario-a',
  attribute: 'country',
  values: ['DE', 'FR', 'NL'],
  /** Share of the matching users served ON. */
  rolloutPercent: 30,
  /** Mixed into the hash by SDKs that take a salt/seed (Ensign, LaunchDarkly). */
  salt: 'bench',
} as const;

/**
 * Scenario B: 20 ordered rules, each "plan is one of 3 values". Rules 1–19 test plan values that no
 * user has and serve OFF; rule 20 tests all three real plans and serves ON. The default is OFF, so
 * an ON result proves that rule 20 served it.
 */
export const SCENARIO_B = {
  id: 'b',
  flagKey: 'scenario-b',
  attribute: 'plan',
  rules: [
    ...Array.from({ length: 19 }, (_, i) => ({
      values: [`legacy-${i + 1}-a`, `legacy-${i + 1}-b`, `legacy-${i + 1}-c`],
      serve: false,
    })),
    { values: [...PLANS] as string[], serve: true },
  ] as ReadonlyArray<{ readonly values: readonly string[]; readonly serve: boolean }>,
} as const;

/** The flag key of a scenario. */
export function flagKeyOf(id: ScenarioId): string {
  return id === 'a' ? SCENARIO_A.flagKey : SCENARIO_B.flagKey;
}

/** Whether `user` is targeted by scenario A's rule (and so subject to its rollout). */
export function inScenarioACountries(user: BenchUser): boolean {
  return (SCENARIO_A.values as readonly string[]).includes(user.country);
}
