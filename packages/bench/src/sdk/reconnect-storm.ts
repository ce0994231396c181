/**
 * The reconnect storm: `clients` `@ensign/node` clients (default reconnect backoff: full jitter,
 * 0–1 s first) in `processes` child processes, all streaming from one real Ensign server on
 * 127.0.0.1. The server is stopped with SIGTERM (its graceful shutdown: drain, then end the
 * streams) and a new process is started on the same port and database; every client's first
 * stream after its interruption is its reconnect.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminClient, type EnsignServer, startEnsignServer } from '@ensign/test-server';
import { type ReconnectSpread, reconnectSpread } from './reconnect-spread.js';
import { type StormCommand, type StormEvent, wallClockMs } from './storm-protocol.js';

const CLIENTS = fileURLToPath(new URL('./storm-clients.js', import.meta.url));

export interface StormPlan {
  clients: number;
  processes: number;
  /** Give up waiting for reconnects after this long from the new server's start. */
  timeoutMs: number;
}

export interface StormResult {
  clients: number;
  processes: number;
  /** From SIGTERM: the first and last client interruption, the old process's exit, the new one listening (ms). */
  firstInterruptedMs: number;
  lastInterruptedMs: number;
  exitedMs: number;
  listeningMs: number;
  /** Reconnects by time after the new process listened. */
  afterListening: ReconnectSpread;
  /** Each client's time without a stream: from its interruption to its reconnect. */
  withoutStream: ReconnectSpread;
  /** When each client sent the request that reconnected it, after the new process listened (the backoff's part). */
  attemptAfterListening: ReconnectSpread;
  /** How long the server took to answer that request with the stream (the server's part). */
  answeredIn: ReconnectSpread;
  /** Failed stream attempts per client between its interruption and its reconnect: median and max. */
  failedAttempts: { median: number; max: number };
  /** Clients that had not reconnected by the timeout. */
  missing: number;
}

interface ClientTimes {
  interruptedAt?: number;
  lastAttemptAt?: number;
  /** The stream opened by the attempt sent at `attemptAt`. */
  reconnectedAt?: number;
  attemptAt?: number;
  failed: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, condition: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Runs the storm; `log` gets progress lines. Always stops what it started. */
export async function runReconnectStorm(plan: StormPlan, log: (line: string) => void): Promise<StormResult> {
  let server: EnsignServer | undefined = await startEnsignServer();
  // The database's temporary directory, removed at the end (the restarted process does not own it).
  const dataDir = dirname(server.dbPath);
  const children: ChildProcess[] = [];
  const times: ClientTimes[] = Array.from({ length: plan.clients }, () => ({ failed: 0 }));
  let restartAt = Number.POSITIVE_INFINITY;
  let ready = 0;
  let closed = 0;
  try {
    const admin = adminClient(server.url, server.keys.get('admin')!);
    const created = await admin('POST', '/api/v1/projects/default/flags', {
      body: { key: 'checkout', name: 'checkout', type: 'boolean', variations: [true, false] },
    });
    if (created.status !== 201) throw new Error(`creating a flag answered ${created.status}`);
    const sdkKey = server.keys.get('production server SDK');
    if (sdkKey === undefined) throw new Error('the server printed no production server SDK key');

    const onEvent = (event: StormEvent) => {
      if (event.type === 'ready') ready++;
      else if (event.type === 'closed') closed++;
      else if (event.at >= restartAt) {
        const t = times[event.client]!;
        if (event.type === 'interrupted') t.interruptedAt ??= event.at;
        else if (t.interruptedAt !== undefined && t.reconnectedAt === undefined) {
          if (event.type === 'attempt') t.lastAttemptAt = event.at;
          else if (event.type === 'open') {
            t.reconnectedAt = event.at;
            t.attemptAt = t.lastAttemptAt ?? event.at;
          } else t.failed++;
        }
      }
    };
    const perProcess = Math.ceil(plan.clients / plan.processes);
    for (let first = 0; first < plan.clients; first += perProcess) {
      const child = fork(CLIENTS, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (m) => onEvent(m as StormEvent));
      children.push(child);
      const command: StormCommand = {
        type: 'start',
        baseUrl: server.url,
        sdkKey,
        clients: Math.min(perProcess, plan.clients - first),
        firstClient: first,
      };
      child.send(command);
    }
    await until('every client streaming', () => ready === children.length, 60_000);
    log(`  ${plan.clients} clients streaming from ${server.url} in ${children.length} processes`);
    await sleep(1_000);

    restartAt = wallClockMs();
    const { port, dbPath, keys } = server;
    await server.stop({ signal: 'SIGTERM' });
    const exitedAt = wallClockMs();
    server = undefined;
    server = await startEnsignServer({ port, dbPath, keys });
    const listeningAt = wallClockMs();
    log(
      `  SIGTERM → exit ${Math.round(exitedAt - restartAt)} ms, new process listening after ${Math.round(listeningAt - exitedAt)} ms more`,
    );
    const reconnected = () => times.filter((t) => t.reconnectedAt !== undefined).length;
    await until('every client reconnected', () => reconnected() === plan.clients, plan.timeoutMs).catch(() =>
      log(`  only ${reconnected()} of ${plan.clients} clients reconnected within ${plan.timeoutMs} ms`),
    );

    const done = times.filter((t): t is Required<ClientTimes> => t.reconnectedAt !== undefined);
    const interrupted = times.flatMap((t) => (t.interruptedAt === undefined ? [] : [t.interruptedAt]));
    const failed = done.map((t) => t.failed).sort((a, b) => a - b);
    return {
      clients: plan.clients,
      processes: children.length,
      firstInterruptedMs: Math.min(...interrupted) - restartAt,
      lastInterruptedMs: Math.max(...interrupted) - restartAt,
      exitedMs: exitedAt - restartAt,
      listeningMs: listeningAt - restartAt,
      afterListening: reconnectSpread(done.map((t) => t.reconnectedAt - listeningAt)),
      withoutStream: reconnectSpread(done.map((t) => t.reconnectedAt - t.interruptedAt)),
      attemptAfterListening: reconnectSpread(done.map((t) => t.attemptAt - listeningAt)),
      answeredIn: reconnectSpread(done.map((t) => t.reconnectedAt - t.attemptAt)),
      failedAttempts: { median: failed[failed.length >> 1] ?? 0, max: failed[failed.length - 1] ?? 0 },
      missing: plan.clients - done.length,
    };
  } finally {
    for (const child of children) if (child.connected) child.send({ type: 'close' } satisfies StormCommand);
    await until('the clients to close', () => closed === children.length, 15_000).catch(() => {
      for (const child of children) child.kill('SIGKILL');
    });
    await server?.stop({ signal: 'SIGTERM' });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
