/**
 * GrowthBook: `GrowthBookClient`, the multi-user client for servers (one instance, the user passed
 * per call), initialised with `initSync` from an in-memory payload. Neither `streaming` nor
 * `pollingInterval` is set, so no background sync starts and no host is contacted.
 */
import { type FeatureDefinition, GrowthBookClient, type UserContext } from '@growthbook/growthbook';
import { flagKeyOf, SCENARIO_A, SCENARIO_B } from '../scenarios.js';
import type { BenchUser } from '../users.js';
import type { SdkAdapter } from './adapter.js';
import { packageVersion } from './package-version.js';

/**
 * Scenario A as a GrowthBook "percentage rollout" rule: a forced value with a condition and a
 * coverage, hashed on the `id` attribute.
 */
export function growthbookFeatureA(): FeatureDefinition<boolean> {
  return {
    defaultValue: false,
    rules: [
      {
        id: 'eu',
        condition: { [SCENARIO_A.attribute]: { $in: [...SCENARIO_A.values] } },
        force: true,
        coverage: SCENARIO_A.rolloutPercent / 100,
        hashAttribute: 'id',
      },
    ],
  };
}

/** Scenario B: 20 forced-value rules with a `$in` condition on plan. */
export function growthbookFeatureB(): FeatureDefinition<boolean> {
  return {
    defaultValue: false,
    rules: SCENARIO_B.rules.map((rule, i) => ({
      id: `rule-${i + 1}`,
      condition: { [SCENARIO_B.attribute]: { $in: [...rule.values] } },
      force: rule.serve,
    })),
  };
}

export const growthbookAdapter: SdkAdapter = {
  id: 'growthbook',
  async start(users: readonly BenchUser[]) {
    const gb = new GrowthBookClient({ enabled: true });
    gb.initSync({
      payload: {
        features: { [SCENARIO_A.flagKey]: growthbookFeatureA(), [SCENARIO_B.flagKey]: growthbookFeatureB() },
      },
    });
    const contexts: UserContext[] = users.map((u) => ({
      attributes: { id: u.key, country: u.country, plan: u.plan },
    }));
    return {
      api: 'new GrowthBookClient(…).isOn(flag, userContext)',
      version: packageVersion('@growthbook/growthbook'),
      evaluator(scenario) {
        const flag = flagKeyOf(scenario);
        return { mode: 'sync', evaluate: (i) => gb.isOn(flag, contexts[i]!) };
      },
      async close() {
        gb.destroy();
      },
    };
  },
};
