/**
 * GrowthBook through OpenFeature: `@openfeature/growthbook-provider` (OpenFeature's contrib
 * provider; GrowthBook publishes none for servers), which creates a `GrowthBookClient` and
 * initialises it with the same in-memory payload as the `growthbook` adapter, so nothing is fetched.
 * It passes the OpenFeature context as GrowthBook attributes unchanged, so the context carries the
 * `id` the rollout hashes on beside `targetingKey`.
 */
import { GrowthbookProvider } from '@openfeature/growthbook-provider';
import { SCENARIO_A, SCENARIO_B } from '../scenarios.js';
import type { SdkAdapter } from './adapter.js';
import { growthbookFeatureA, growthbookFeatureB } from './growthbook.js';
import { openfeatureSession } from './openfeature-session.js';
import { packageVersion } from './package-version.js';

export const openfeatureGrowthbookAdapter: SdkAdapter = {
  id: 'openfeature-growthbook',
  async start(users) {
    const provider = new GrowthbookProvider(
      { enabled: true },
      {
        payload: {
          features: {
            [SCENARIO_A.flagKey]: growthbookFeatureA(),
            [SCENARIO_B.flagKey]: growthbookFeatureB(),
          },
        },
      },
    );
    return openfeatureSession(
      provider,
      `${packageVersion('@openfeature/growthbook-provider')} over ${packageVersion('@growthbook/growthbook')}`,
      users.map((u) => ({ targetingKey: u.key, id: u.key, country: u.country, plan: u.plan })),
    );
  },
};
