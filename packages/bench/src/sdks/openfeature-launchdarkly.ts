/**
 * LaunchDarkly through OpenFeature: `@launchdarkly/openfeature-node-server` over
 * `@launchdarkly/node-server-sdk`, offline exactly as the `launchdarkly` adapter (file data source,
 * events off). The provider turns `targetingKey` into the context key, kind `user`.
 */
import { LaunchDarklyProvider } from '@launchdarkly/openfeature-node-server';
import type { SdkAdapter } from './adapter.js';
import { launchdarklyOfflineOptions } from './launchdarkly.js';
import { openfeatureSession } from './openfeature-session.js';
import { packageVersion } from './package-version.js';

export const openfeatureLaunchdarklyAdapter: SdkAdapter = {
  id: 'openfeature-launchdarkly',
  async start(users) {
    const { options, cleanup } = launchdarklyOfflineOptions();
    const provider = new LaunchDarklyProvider('sdk-offline-bench', options, 10);
    return openfeatureSession(
      provider,
      `${packageVersion('@launchdarkly/openfeature-node-server')} over ${packageVersion('@launchdarkly/node-server-sdk')}`,
      users.map((u) => ({ targetingKey: u.key, country: u.country, plan: u.plan })),
      cleanup,
    );
  },
};
