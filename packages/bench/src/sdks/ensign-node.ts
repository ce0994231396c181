/**
 * Ensign's Node SDK through its public API: `client.boolVariation(flagKey, context, false)` of an
 * `@ensign/node` client bootstrapped with the two scenario flags. Two configurations:
 *
 * - `ensign-node`: `offline: true`, as documented for tests and air-gapped use. Offline also turns
 *   telemetry off, so evaluations are not counted.
 * - `ensign-node-counted`: configured as online (key, URL, telemetry on by default) with the
 *   bootstrap, its `fetch` a {@link silentServer} (the stream never answers, reports are
 *   accepted), so that each evaluation is counted as in production. `close()` checks that the
 *   final telemetry report did count evaluations.
 */
import { createClient, type EnsignClient, type Logger } from '@ensign/node';
import { flagKeyOf } from '../scenarios.js';
import type { BenchUser } from '../users.js';
import type { SdkAdapter, SdkSession } from './adapter.js';
import { ensignFlagA, ensignFlagB } from './ensign.js';
import { packageVersion } from './package-version.js';
import { silentServer } from './silent-server-fetch.js';

/** The snapshot both configurations start from. */
export function ensignBootstrap() {
  return { revision: 1, flags: [ensignFlagA(), ensignFlagB()], segments: [] };
}

/** Warnings go to stderr (the orchestrator shows them once); debug and info are dropped. */
const benchLogger: Logger = {
  debug() {},
  info() {},
  warn: (message) => console.warn(`[ensign-node] ${message}`),
  error: (message) => console.error(`[ensign-node] ${message}`),
};

/** `configuration` tells the two apart in the table, which is keyed by the version string. */
function session(
  client: EnsignClient,
  configuration: string,
  users: readonly BenchUser[],
  close: () => Promise<void>,
): SdkSession {
  if (client.status !== 'ready') throw new Error(`@ensign/node is ${client.status} after the bootstrap`);
  // Plain objects, as an application would pass them.
  const contexts = users.map((u) => ({ key: u.key, country: u.country, plan: u.plan }));
  return {
    api: 'client.boolVariation(flagKey, context, false)',
    version: `${packageVersion('@ensign/node')} (${configuration})`,
    evaluator(scenario) {
      const flagKey = flagKeyOf(scenario);
      return { mode: 'sync', evaluate: (i) => client.boolVariation(flagKey, contexts[i]!, false) };
    },
    close,
  };
}

export const ensignNodeAdapter: SdkAdapter = {
  id: 'ensign-node',
  async start(users) {
    const client = createClient({ offline: true, bootstrap: ensignBootstrap(), logger: benchLogger });
    await client.ready({ timeoutMs: 1_000 });
    return session(client, 'offline', users, () => client.close());
  },
};

export const ensignNodeCountedAdapter: SdkAdapter = {
  id: 'ensign-node-counted',
  async start(users) {
    const server = silentServer();
    const client = createClient({
      sdkKey: 'ens_srv_bench',
      baseUrl: 'http://ensign.invalid',
      bootstrap: ensignBootstrap(),
      fetch: server.fetch,
      logger: benchLogger,
    });
    await client.ready({ timeoutMs: 1_000 });
    return session(client, 'online config, counting', users, async () => {
      await client.close(); // sends the last telemetry report
      if (server.countedEvaluations() === 0)
        throw new Error('@ensign/node counted no evaluations: telemetry was not on the hot path');
    });
  },
};
