/**
 * The load generator of the throughput benchmark, its own process (pinned to the other CPU than the
 * server when `taskset` exists): autocannon with `connections` keep-alive connections, one request
 * in flight on each, a different benchmark user's context in each of 1,000 requests, in turn. Latency is taken from
 * autocannon's per-response times (sub-millisecond), not its histogram (whole milliseconds).
 */
import autocannon from 'autocannon';
import { makeUsers } from '../users.js';
import { requestBody } from './request-bodies.js';
import type { FromRpsClient, RpsRunMessage, RpsRunResult } from './rps-protocol.js';

/** Distinct contexts sent, in turn, on every connection. */
const REQUEST_VARIANTS = 1_000;

function run(message: RpsRunMessage): Promise<RpsRunResult> {
  const url = new URL(message.path, message.url);
  // The benchmark talks to its own server on loopback, never to anything else.
  if (url.hostname !== '127.0.0.1') throw new Error(`refusing to send traffic to ${url.hostname}`);
  // Requests are built once, before the run (a request set up per send costs the generator more CPU
  // than the server spends answering it); 1,000 users keep the countries and plans evenly drawn.
  const requests = makeUsers()
    .slice(0, REQUEST_VARIANTS)
    .map((u) => ({ body: requestBody(message.endpoint, u) }));
  const latenciesMs: number[] = [];
  let non200 = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: url.href,
        method: 'POST',
        connections: message.connections,
        duration: message.seconds,
        headers: { Authorization: `Bearer ${message.sdkKey}`, 'Content-Type': 'application/json' },
        requests,
      },
      (error, result) => {
        if (error) return reject(error);
        const cpu = process.cpuUsage(cpu0);
        resolve({
          requests: latenciesMs.length + non200,
          non200,
          errors: result.errors + result.timeouts,
          elapsedMs: performance.now() - t0,
          latenciesMs,
          clientCpuMs: (cpu.user + cpu.system) / 1000,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode === 200) latenciesMs.push(responseTime);
      else non200++;
    });
  });
}

process.on('message', (message: RpsRunMessage) => {
  run(message).then(
    (result) => process.send?.({ type: 'result', result } satisfies FromRpsClient),
    (error: unknown) =>
      process.send?.({
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies FromRpsClient),
  );
});
process.on('disconnect', () => process.exit(0));
