/**
 * The load generator of the write benchmark, run as its own process (`fork`ed by `write-bench.ts`):
 * toggles flags over keep-alive HTTP/1.1 connections to the server on 127.0.0.1 and times each write
 * from sending the request to the last byte of the response.
 *
 * Each write turns one flag the other way, with `If-Match` set to the version the client last saw
 * (as a dashboard would), and must answer 200 with the next version's ETag: a 2xx is a committed
 * revision (the server commits with synchronous=FULL before it answers). Lanes own disjoint flags,
 * so concurrent writes never contend on one flag's version.
 *
 * Plain `node:http` rather than `fetch`: it costs the client less CPU per request, and on a 2-core
 * machine every millisecond the client spends is one the server cannot.
 */
import { Agent, request } from 'node:http';
import { dealFlags } from './lanes.js';
import type { FromClient, InitMessage, PhaseResult, RunMessage, ToClient } from './write-protocol.js';

interface FlagState {
  path: string;
  version: number;
  on: boolean;
}

let target: { host: string; port: number; adminKey: string } | undefined;
let flags: FlagState[] = [];

function send(message: FromClient): void {
  process.send?.(message);
}

function init(message: InitMessage): void {
  const url = new URL(message.url);
  // The benchmark talks to its own server on loopback, never to anything else.
  if (url.hostname !== '127.0.0.1') throw new Error(`refusing to send traffic to ${url.hostname}`);
  target = { host: url.hostname, port: Number(url.port), adminKey: message.adminKey };
  flags = message.flagKeys.map((key) => ({
    path:
      `/api/v1/projects/${message.project}/environments/${message.environment}` +
      `/flags/${encodeURIComponent(key)}/toggle`,
    version: 1,
    on: false,
  }));
}

/** One toggle; resolves with its latency in ms once the response has been read, or rejects. */
function toggle(agent: Agent, flag: FlagState): Promise<number> {
  const { host, port, adminKey } = target!;
  const body = flag.on ? '{"on":false}' : '{"on":true}';
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(
      {
        host,
        port,
        agent,
        method: 'POST',
        path: flag.path,
        headers: {
          Authorization: `Bearer ${adminKey}`,
          'Content-Type': 'application/json',
          'Content-Length': body.length,
          'If-Match': `"${flag.version}"`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', reject);
        res.on('end', () => {
          const ms = performance.now() - t0;
          const expected = `"${flag.version + 1}"`;
          if (res.statusCode !== 200 || res.headers.etag !== expected) {
            reject(
              new Error(
                `${flag.path}: expected 200 with ETag ${expected}, got ${res.statusCode} ` +
                  `ETag ${res.headers.etag}: ${text.slice(0, 500)}`,
              ),
            );
            return;
          }
          flag.version++;
          flag.on = !flag.on;
          resolve(ms);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let open: { agent: Agent; lanes: number[][] } | undefined;

/** Opens one connection per lane with an untimed write each (see `OpenMessage`). */
async function openLanes(lanes: number): Promise<void> {
  if (target === undefined) throw new Error('open before init');
  open?.agent.destroy();
  const agent = new Agent({ keepAlive: true, maxSockets: lanes });
  open = { agent, lanes: dealFlags(flags.length, lanes) };
  await Promise.all(open.lanes.map((owned) => toggle(agent, flags[owned[0]!]!)));
}

async function run(message: RunMessage): Promise<PhaseResult> {
  if (open === undefined) throw new Error('run before open');
  const { agent, lanes } = open;
  const latencies: number[] = [];
  let issued = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + message.maxMs;
  await Promise.all(
    lanes.map(async (owned) => {
      // Turn 0 was the lane's untimed opening write.
      for (let turn = 1; issued < message.maxWrites && performance.now() < deadline; turn++) {
        issued++;
        latencies.push(await toggle(agent, flags[owned[turn % owned.length]!]!));
      }
    }),
  );
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  open = undefined;
  return {
    writes: latencies.length,
    elapsedMs,
    latenciesMs: latencies,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

process.on('message', (message: ToClient) => {
  const handle = async (): Promise<FromClient> => {
    if (message.type === 'init') {
      init(message);
      return { type: 'ready' };
    }
    if (message.type === 'open') {
      await openLanes(message.lanes);
      return { type: 'ready' };
    }
    return { type: 'result', result: await run(message) };
  };
  handle().then(send, (error: unknown) =>
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
// The parent going away ends the client too (the IPC channel closes).
process.on('disconnect', () => process.exit(0));
