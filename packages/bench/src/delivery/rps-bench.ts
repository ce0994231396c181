/**
 * Remote-evaluation throughput: the server pinned to CPU 0 and autocannon (another process) to CPU 1
 * when `taskset` exists, POSTing a different user's context in every request to OFREP's single-flag
 * endpoint (scenario A's flag: a country rule and a 30 % rollout) and to `/sdk/v1/evaluate` (every
 * flag of the environment). Before any load, answers for a sample of users are checked against the
 * core evaluating the same flag locally, so the throughput is of correct answers.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRuleset } from '@ensign/core';
import { ensignFlagA } from '../sdks/ensign.js';
import { type LatencySummary, summarizeLatencies } from '../server/latency.js';
import { processCpuMs } from '../server/process-cpu.js';
import { makeUsers } from '../users.js';
import { requestChild } from './child-request.js';
import type { DeliveryPlan } from './delivery-plan.js';
import type { DeliveryDatabase } from './delivery-seed.js';
import { type DeliveryServer, startDeliveryServer, stopDeliveryServer } from './delivery-server.js';
import { hasTaskset, launchNode } from './node-launch.js';
import { requestBody } from './request-bodies.js';
import { type FromRpsClient, RPS_ENDPOINTS, type RpsEndpoint, type RpsRunResult } from './rps-protocol.js';

const CLIENT = fileURLToPath(new URL('./rps-client.js', import.meta.url));

export interface RpsRun {
  requests: number;
  perSecond: number;
  latency: LatencySummary;
  /** Server CPU time over the run ÷ its wall time: 1.0 is one core fully busy. */
  serverCores: number | undefined;
  clientCores: number;
}

export interface RpsEndpointResults {
  endpoint: RpsEndpoint;
  path: string;
  /** Flags each request evaluates. */
  flagsPerRequest: number;
  runs: RpsRun[];
}

export interface RpsResults {
  /** Whether the server and the load generator were pinned to separate CPUs. */
  pinned: boolean;
  connections: number;
  seconds: number;
  endpoints: RpsEndpointResults[];
}

/** The path measured for each endpoint. */
export function endpointPath(endpoint: RpsEndpoint): string {
  return endpoint === 'ofrep' ? `/ofrep/v1/evaluate/flags/${ensignFlagA().key}` : '/sdk/v1/evaluate';
}

function runClient(client: ChildProcess, message: object, timeoutMs: number): Promise<RpsRunResult> {
  return requestChild(
    client,
    message,
    (reply: FromRpsClient) => (reply.type === 'result' ? reply.result : undefined),
    'the load generator',
    timeoutMs,
  );
}

/** Compares the server's OFREP answers for 500 users with the core evaluating scenario A locally. */
async function checkAnswers(server: DeliveryServer, sdkKey: string): Promise<void> {
  const flag = ensignFlagA();
  const local = createRuleset({ flags: [flag], segments: [] });
  for (const user of makeUsers().slice(0, 500)) {
    const res = await fetch(`${server.url}${endpointPath('ofrep')}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sdkKey}`, 'Content-Type': 'application/json' },
      body: requestBody('ofrep', user),
    });
    const body = (await res.json()) as { value?: unknown };
    const expected = local.evaluate(flag.key, {
      key: user.key,
      country: user.country,
      plan: user.plan,
    }).value;
    if (res.status !== 200 || body.value !== expected)
      throw new Error(
        `OFREP answered ${res.status} ${JSON.stringify(body)} for ${JSON.stringify(user)}; the core says ${expected}`,
      );
  }
}

export async function measureRps(
  db: DeliveryDatabase,
  plan: Pick<DeliveryPlan, 'rpsSeconds' | 'rpsRuns' | 'rpsConnections' | 'serverNodeOptions'>,
  progress: (line: string) => void,
): Promise<RpsResults> {
  const pinned = hasTaskset();
  if (!pinned) progress('  taskset is not available: server and load generator share both CPUs');
  const server = await startDeliveryServer(db.dbPath, { nodeArgs: plan.serverNodeOptions, cpus: '0' });
  const client = launchNode({ args: [CLIENT], cpus: '1', output: 'inherit', ipc: true });
  try {
    await checkAnswers(server, db.sdkKey);
    progress(`  OFREP answers for 500 users match the core's local evaluation of ${ensignFlagA().key}`);
    const endpoints: RpsEndpointResults[] = [];
    for (const endpoint of RPS_ENDPOINTS) {
      const path = endpointPath(endpoint);
      const once = async (seconds: number): Promise<RpsRun> => {
        const cpu0 = processCpuMs(server.pid);
        const result = await runClient(
          client,
          {
            type: 'run',
            url: server.url,
            endpoint,
            path,
            sdkKey: db.sdkKey,
            seconds,
            connections: plan.rpsConnections,
          },
          seconds * 1000 + 60_000,
        );
        const cpu1 = processCpuMs(server.pid);
        if (result.non200 > 0 || result.errors > 0)
          throw new Error(`${path}: ${result.non200} responses were not 200, ${result.errors} errors`);
        const wall = result.elapsedMs;
        return {
          requests: result.requests,
          perSecond: result.requests / (wall / 1000),
          latency: summarizeLatencies(result.latenciesMs),
          serverCores: cpu0 !== undefined && cpu1 !== undefined ? (cpu1 - cpu0) / wall : undefined,
          clientCores: result.clientCpuMs / wall,
        };
      };
      await once(Math.max(2, Math.round(plan.rpsSeconds / 3)));
      const runs: RpsRun[] = [];
      for (let r = 1; r <= plan.rpsRuns; r++) {
        const run = await once(plan.rpsSeconds);
        runs.push(run);
        progress(
          `  ${path} run ${r}/${plan.rpsRuns}: ${Math.round(run.perSecond).toLocaleString('en-US')} req/s, ` +
            `p50 ${run.latency.p50.toFixed(2)} ms, p99 ${run.latency.p99.toFixed(2)} ms` +
            (run.serverCores !== undefined
              ? `, server ${(run.serverCores * 100).toFixed(0)} % of a core`
              : ''),
        );
      }
      endpoints.push({
        endpoint,
        path,
        flagsPerRequest: endpoint === 'ofrep' ? 1 : db.flagKeys.length,
        runs,
      });
    }
    client.kill('SIGKILL');
    await stopDeliveryServer(server);
    return { pinned, connections: plan.rpsConnections, seconds: plan.rpsSeconds, endpoints };
  } finally {
    if (client.exitCode === null) client.kill('SIGKILL');
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  }
}
