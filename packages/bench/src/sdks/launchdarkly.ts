/**
 * LaunchDarkly: `@launchdarkly/node-server-sdk` fed by its file data source integration (a JSON
 * file in the flag format LaunchDarkly's servers send), with analytics events and diagnostics off.
 * The file data source replaces streaming and polling, so no host is contacted.
 *
 * Evaluation is async only: `variation()` returns a Promise (it runs the hook series and settles
 * through the microtask queue), and the SDK has no public synchronous evaluation path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  basicLogger,
  init,
  integrations,
  type LDContext,
  type LDOptions,
} from '@launchdarkly/node-server-sdk';
import { flagKeyOf, SCENARIO_A, SCENARIO_B } from '../scenarios.js';
import type { BenchUser } from '../users.js';
import type { SdkAdapter } from './adapter.js';
import { packageVersion } from './package-version.js';

/** LaunchDarkly weights are out of 100,000, like Ensign's. */
const WEIGHT_TOTAL = 100_000;

function baseFlag(key: string, salt: string) {
  return {
    key,
    version: 1,
    on: true,
    variations: [true, false],
    offVariation: 1,
    fallthrough: { variation: 1 },
    targets: [],
    contextTargets: [],
    prerequisites: [],
    salt,
    trackEvents: false,
    trackEventsFallthrough: false,
    clientSide: false,
    deleted: false,
  };
}

function clauseIn(attribute: string, values: readonly string[]) {
  return { contextKind: 'user', attribute, op: 'in', values: [...values], negate: false };
}

/** Scenario A: one rule "country in …" serving a 30/70 rollout bucketed by key. */
export function launchdarklyFlagA(): Record<string, unknown> {
  const on = (SCENARIO_A.rolloutPercent / 100) * WEIGHT_TOTAL;
  return {
    ...baseFlag(SCENARIO_A.flagKey, SCENARIO_A.salt),
    rules: [
      {
        id: 'eu',
        clauses: [clauseIn(SCENARIO_A.attribute, SCENARIO_A.values)],
        rollout: {
          bucketBy: 'key',
          variations: [
            { variation: 0, weight: on },
            { variation: 1, weight: WEIGHT_TOTAL - on },
          ],
        },
        trackEvents: false,
      },
    ],
  };
}

/** Scenario B: 20 rules "plan in …", the last serving variation 0 (ON). */
export function launchdarklyFlagB(): Record<string, unknown> {
  return {
    ...baseFlag(SCENARIO_B.flagKey, SCENARIO_B.flagKey),
    rules: SCENARIO_B.rules.map((rule, i) => ({
      id: `rule-${i + 1}`,
      clauses: [clauseIn(SCENARIO_B.attribute, rule.values)],
      variation: rule.serve ? 0 : 1,
      trackEvents: false,
    })),
  };
}

/**
 * Options for a LaunchDarkly client that serves both scenario flags from a JSON file and contacts
 * no host (shared by the SDK adapter and the OpenFeature provider adapter); `cleanup` removes the file.
 */
export function launchdarklyOfflineOptions(): { options: LDOptions; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ensign-bench-ld-'));
  const file = join(dir, 'flags.json');
  writeFileSync(
    file,
    JSON.stringify({
      flags: { [SCENARIO_A.flagKey]: launchdarklyFlagA(), [SCENARIO_B.flagKey]: launchdarklyFlagB() },
      segments: {},
    }),
  );
  return {
    options: {
      updateProcessor: new integrations.FileDataSourceFactory({
        paths: [file],
        autoUpdate: false,
      }).getFactory(),
      sendEvents: false,
      diagnosticOptOut: true,
      logger: basicLogger({ level: 'warn' }),
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The benchmark users as LaunchDarkly user contexts. */
export function launchdarklyContexts(users: readonly BenchUser[]): LDContext[] {
  return users.map((u) => ({ kind: 'user', key: u.key, country: u.country, plan: u.plan }));
}

export const launchdarklyAdapter: SdkAdapter = {
  id: 'launchdarkly',
  async start(users: readonly BenchUser[]) {
    const { options, cleanup } = launchdarklyOfflineOptions();
    const client = init('sdk-offline-bench', options);
    try {
      await client.waitForInitialization({ timeout: 10 });
    } catch (e) {
      client.close();
      cleanup();
      throw e;
    }
    const contexts = launchdarklyContexts(users);
    return {
      api: 'await client.variation(flag, context, false)',
      version: packageVersion('@launchdarkly/node-server-sdk'),
      evaluator(scenario) {
        const flag = flagKeyOf(scenario);
        return { mode: 'async', evaluate: (i) => client.variation(flag, contexts[i]!, false) };
      },
      async close() {
        client.close();
        cleanup();
      },
    };
  },
};
