/**
 * ConfigCat: `configcat-node` in offline mode, loaded with a config JSON in ConfigCat's own format
 * (v6, the format its CDN serves) through the SDK's `cache` option, and evaluated synchronously
 * through a snapshot.
 *
 * Why not flag overrides: `createFlagOverridesFromMap` (the only override source this SDK version
 * exports) takes plain values, so it cannot express targeting rules or percentage options. The
 * public `cache` option (`IConfigCatCache`) plus `offline: true` can: offline clients never make
 * HTTP requests and read only the cache. The entry format (`<fetch time>\n<etag>\n<config JSON>`)
 * is what the SDK itself writes (`ProjectConfig.serialize`), not a documented interface.
 */
import {
  createConsoleLogger,
  getClient,
  type IConfigCatCache,
  LogLevel,
  PollingMode,
  User,
} from 'configcat-node';
import { flagKeyOf, SCENARIO_A, SCENARIO_B } from '../scenarios.js';
import type { BenchUser } from '../users.js';
import type { SdkAdapter } from './adapter.js';
import { packageVersion } from './package-version.js';

/** ConfigCat comparator 0: "IS ONE OF (cleartext)". */
const TEXT_IS_ONE_OF = 0;
/** ConfigCat setting type 0: boolean. */
const BOOLEAN = 0;

/** Scenario A: a rule "Country IS ONE OF …" with 30 % / 70 % percentage options on Identifier. */
export function configcatSettingA(): Record<string, unknown> {
  return {
    t: BOOLEAN,
    v: { b: false },
    i: 'a-default',
    r: [
      {
        c: [{ u: { a: 'Country', c: TEXT_IS_ONE_OF, l: [...SCENARIO_A.values] } }],
        p: [
          { p: SCENARIO_A.rolloutPercent, v: { b: true }, i: 'a-on' },
          { p: 100 - SCENARIO_A.rolloutPercent, v: { b: false }, i: 'a-off' },
        ],
      },
    ],
  };
}

/** Scenario B: 20 rules "plan IS ONE OF …", the last serving true. */
export function configcatSettingB(): Record<string, unknown> {
  return {
    t: BOOLEAN,
    v: { b: false },
    i: 'b-default',
    r: SCENARIO_B.rules.map((rule, i) => ({
      c: [{ u: { a: SCENARIO_B.attribute, c: TEXT_IS_ONE_OF, l: [...rule.values] } }],
      s: { v: { b: rule.serve }, i: `rule-${i + 1}` },
    })),
  };
}

/** The whole config JSON, as ConfigCat's CDN would serve it. */
export function configcatConfigJson(): string {
  return JSON.stringify({
    p: { u: 'https://cdn-global.configcat.com', r: 0, s: 'ensign-bench' },
    f: { [SCENARIO_A.flagKey]: configcatSettingA(), [SCENARIO_B.flagKey]: configcatSettingB() },
  });
}

/** A read-only cache holding one entry, fresh as of its creation. */
export function staticCache(configJson: string): IConfigCatCache {
  const entry = `${Date.now()}\n\n${configJson}`;
  return {
    get: () => entry,
    set: () => {},
  };
}

/** A syntactically valid SDK key (the SDK checks the format); offline mode never sends it anywhere. */
export const CONFIGCAT_SDK_KEY = 'configcat-sdk-1/ensign-bench-offline-0/ensign-bench-offline-0';

export const configcatAdapter: SdkAdapter = {
  id: 'configcat',
  async start(users: readonly BenchUser[]) {
    const client = getClient(CONFIGCAT_SDK_KEY, PollingMode.ManualPoll, {
      offline: true,
      cache: staticCache(configcatConfigJson()),
      logger: createConsoleLogger(LogLevel.Warn),
    });
    await client.waitForReady();
    const keys = client.snapshot().getAllKeys();
    if (!keys.includes(SCENARIO_A.flagKey) || !keys.includes(SCENARIO_B.flagKey)) {
      client.dispose();
      throw new Error(`configcat-node did not load the benchmark config (keys: ${keys.join(', ')})`);
    }
    const contexts = users.map((u) => new User(u.key, undefined, u.country, { plan: u.plan }));
    return {
      api: 'client.snapshot().getValue(flag, false, user)',
      version: packageVersion('configcat-node'),
      evaluator(scenario) {
        const flag = flagKeyOf(scenario);
        return { mode: 'sync', evaluate: (i) => client.snapshot().getValue(flag, false, contexts[i]) };
      },
      async close() {
        client.dispose();
      },
    };
  },
};
