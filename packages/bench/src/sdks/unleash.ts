/**
 * Unleash: `unleash-client` bootstrapped from in-memory feature data. Polling is off
 * (`refreshInterval: 0` makes the fetcher return before any request), metrics are disabled, and
 * the backup goes to memory instead of a file; `url` is required by the constructor but never used.
 */
import { type Context, InMemStorageProvider, Unleash, type UnleashConfig } from 'unleash-client';
import { flagKeyOf, SCENARIO_A, SCENARIO_B } from '../scenarios.js';
import type { BenchUser } from '../users.js';
import type { SdkAdapter } from './adapter.js';
import { packageVersion } from './package-version.js';

type Feature = NonNullable<NonNullable<UnleashConfig['bootstrap']>['data']>[number];
type Strategy = NonNullable<Feature['strategies']>[number];
type Constraint = Strategy['constraints'][number];

const IN = 'IN' as Constraint['operator'];

function constraintIn(contextName: string, values: readonly string[]): Constraint {
  return { contextName, operator: IN, values: [...values], inverted: false, caseInsensitive: false };
}

/** Scenario A: one flexibleRollout strategy, 30 % sticky on userId, constrained to the countries. */
export function unleashFeatureA(): Feature {
  return {
    name: SCENARIO_A.flagKey,
    type: 'release',
    project: 'default',
    enabled: true,
    stale: false,
    impressionData: false,
    strategies: [
      {
        name: 'flexibleRollout',
        parameters: {
          rollout: String(SCENARIO_A.rolloutPercent),
          stickiness: 'userId',
          groupId: SCENARIO_A.flagKey,
        },
        constraints: [constraintIn(SCENARIO_A.attribute, SCENARIO_A.values)],
      },
    ],
    variants: [],
  };
}

/**
 * Scenario B: 20 `default` strategies, each constrained on plan. Unleash toggles are enabled when
 * any strategy matches, so rules that "serve OFF" are simply strategies that never match; the
 * evaluator still checks all 19 before reaching the 20th.
 */
export function unleashFeatureB(): Feature {
  return {
    name: SCENARIO_B.flagKey,
    type: 'release',
    project: 'default',
    enabled: true,
    stale: false,
    impressionData: false,
    strategies: SCENARIO_B.rules.map((rule) => ({
      name: 'default',
      parameters: {},
      constraints: [constraintIn(SCENARIO_B.attribute, rule.values)],
    })),
    variants: [],
  };
}

export const unleashAdapter: SdkAdapter = {
  id: 'unleash',
  async start(users: readonly BenchUser[]) {
    const unleash = new Unleash({
      appName: 'ensign-bench',
      // Required, never contacted: refreshInterval 0 disables fetching and metrics are off.
      url: 'http://unleash.invalid/api/',
      refreshInterval: 0,
      disableMetrics: true,
      disableAutoStart: true,
      storageProvider: new InMemStorageProvider(),
      bootstrap: { data: [unleashFeatureA(), unleashFeatureB()] },
      skipInstanceCountWarning: true,
    });
    const errors: unknown[] = [];
    unleash.on('error', (e: unknown) => errors.push(e));
    unleash.on('warn', (msg: unknown) => console.warn('[unleash warn]', msg));
    const ready = new Promise<void>((resolve) => unleash.once('ready', () => resolve()));
    await unleash.start();
    await ready;
    if (errors.length > 0)
      throw new Error(`unleash-client reported errors: ${errors.map(String).join('; ')}`);

    // Custom fields go under `properties`; constraints on `country`/`plan` read them there.
    const contexts: Context[] = users.map((u) => ({
      userId: u.key,
      properties: { country: u.country, plan: u.plan },
    }));
    return {
      api: 'unleash.isEnabled(flag, context)',
      version: packageVersion('unleash-client'),
      evaluator(scenario) {
        const flag = flagKeyOf(scenario);
        return { mode: 'sync', evaluate: (i) => unleash.isEnabled(flag, contexts[i]) };
      },
      async close() {
        unleash.destroy();
        if (errors.length > 0)
          throw new Error(`unleash-client reported errors: ${errors.map(String).join('; ')}`);
      },
    };
  },
};
