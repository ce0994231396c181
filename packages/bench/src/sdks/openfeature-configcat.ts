/**
 * ConfigCat through OpenFeature: `@openfeature/config-cat-provider` creating a `configcat-node`
 * client offline with the same cached config as the `configcat` adapter. The provider maps
 * `targetingKey` to the identifier and `country` to ConfigCat's Country; `plan` becomes a custom
 * attribute. It evaluates with `getValueDetailsAsync`, ConfigCat's async API.
 */
import { ConfigCatProvider } from '@openfeature/config-cat-provider';
import { createConsoleLogger, LogLevel, PollingMode } from 'configcat-node';
import type { SdkAdapter } from './adapter.js';
import { CONFIGCAT_SDK_KEY, configcatConfigJson, staticCache } from './configcat.js';
import { openfeatureSession } from './openfeature-session.js';
import { packageVersion } from './package-version.js';

export const openfeatureConfigcatAdapter: SdkAdapter = {
  id: 'openfeature-configcat',
  async start(users) {
    const provider = ConfigCatProvider.create(CONFIGCAT_SDK_KEY, PollingMode.ManualPoll, {
      offline: true,
      cache: staticCache(configcatConfigJson()),
      logger: createConsoleLogger(LogLevel.Warn),
    });
    return openfeatureSession(
      provider,
      `${packageVersion('@openfeature/config-cat-provider')} over ${packageVersion('configcat-node')}`,
      users.map((u) => ({ targetingKey: u.key, country: u.country, plan: u.plan })),
    );
  },
};
