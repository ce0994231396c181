/** Ensign through OpenFeature: `@ensign/openfeature/server`'s provider over an offline `@ensign/node` client. */
import { EnsignProvider } from '@ensign/openfeature/server';
import type { SdkAdapter } from './adapter.js';
import { ensignBootstrap } from './ensign-node.js';
import { openfeatureSession } from './openfeature-session.js';
import { packageVersion } from './package-version.js';

export const openfeatureEnsignAdapter: SdkAdapter = {
  id: 'openfeature-ensign',
  async start(users) {
    const provider = new EnsignProvider({ offline: true, bootstrap: ensignBootstrap() });
    return openfeatureSession(
      provider,
      `${packageVersion('@ensign/openfeature')} over ${packageVersion('@ensign/node')}`,
      users.map((u) => ({ targetingKey: u.key, country: u.country, plan: u.plan })),
    );
  },
};
