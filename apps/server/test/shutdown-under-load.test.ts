/**
 * Integration: SIGTERM while keep-alive clients keep sending reads and writes. Every request must
 * end in a complete response (2xx, or 503 once the server is closing) or, once the listener is
 * closed, a clean connection refusal; never a connection reset. (One exception, which the server
 * cannot prevent: a connection still in the kernel's accept queue when the listener closes is reset
 * by the kernel; `classify` tells those apart from the connections the server accepted.) Requests in
 * flight when the grace period ends (slowly sent bodies) must finish with 2xx, and the server exits 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, type ClientRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { apiClient, printedKeys } from './api-client.js';
import { json, type Outcome, type RawRequest, send } from './raw-http.js';
import { kill, type ServerProcess, startServer, within } from './server-process.js';

const flags = '/api/v1/projects/default/flags';
const config = (flag: string) => `/api/v1/projects/default/environments/development/flags/${flag}`;

let dir: string;
let db: string;
let server: ServerProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-shutdown-'));
  db = join(dir, 'ensign.db');
});

afterEach(async () => {
  await kill(server);
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

interface Sent {
  id: string;
  client: number;
  op: 'read' | 'toggle' | 'targets';
  /** The target key a `targets` request adds. */
  target?: string;
  afterSigterm: boolean;
  outcome: Outcome;
}

const is503 = (s: Sent) => s.outcome.kind === 'response' && s.outcome.status === 503;
const is2xx = (s: Sent) => s.outcome.kind === 'response' && s.outcome.status >= 200 && s.outcome.status < 300;

/** A promise with its resolver. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * `clients` keep-alive clients (one socket each), each sending reads, toggles and target edits on
 * its own flag back to back, until a connection is refused (the listener is gone).
 */
function driveLoad(target: ServerProcess, admin: string, clients: number) {
  const sent: Sent[] = [];
  let sigterm = false;
  const waiters: Array<{ test: () => boolean; resolve: () => void }> = [];
  const record = (entry: Sent) => {
    sent.push(entry);
    for (const waiter of [...waiters]) {
      if (!waiter.test()) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  const run = async (client: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const flag = `load-${client}`;
    try {
      for (let i = 0; ; i++) {
        const id = `c${client}-${i}`;
        const headers = { Authorization: `Bearer ${admin}`, 'X-Request-Id': id };
        const afterSigterm = sigterm;
        let request: RawRequest;
        let entry: Omit<Sent, 'outcome'>;
        if (i % 3 === 0) {
          request = { method: 'GET', path: config(flag), headers };
          entry = { id, client, op: 'read', afterSigterm };
        } else if (i % 3 === 1) {
          request = { method: 'POST', path: `${config(flag)}/toggle`, headers, json: { on: i % 2 === 0 } };
          entry = { id, client, op: 'toggle', afterSigterm };
        } else {
          request = {
            method: 'POST',
            path: `${config(flag)}/targets`,
            headers,
            json: { variation: 0, add: [id] },
          };
          entry = { id, client, op: 'targets', target: id, afterSigterm };
        }
        const outcome = await send(target.url, agent, request);
        record({ ...entry, outcome });
        // Refused: the listener is closed, the server is going away. Anything else keeps the loop
        // going, so an unexpected reset is recorded and then asserted on.
        if (outcome.kind === 'error' && outcome.code === 'ECONNREFUSED') return;
      }
    } finally {
      agent.destroy();
    }
  };

  const done = Promise.all(Array.from({ length: clients }, (_, c) => run(c))).then(() => sent);
  /** Resolves once `test` holds over what was sent so far. */
  const until = (test: () => boolean): Promise<void> => {
    if (test()) return Promise.resolve();
    const waiter = deferred();
    waiters.push({ test, resolve: waiter.resolve });
    return waiter.promise;
  };
  return {
    sent,
    done,
    until,
    /** Resolves once every client has had `n` requests answered on a reused keep-alive socket. */
    warmedUp: (n: number) =>
      until(() =>
        Array.from({ length: clients }).every(
          (_, c) =>
            sent.filter(
              (s) => s.client === c && is2xx(s) && s.outcome.kind === 'response' && s.outcome.reusedSocket,
            ).length >= n,
        ),
      ),
    sigterm() {
      sigterm = true;
      target.child.kill('SIGTERM');
    },
  };
}

/**
 * Splits what the test does not accept from `raced`, the requests whose connection was still in the
 * kernel's accept queue when the listener closed: the kernel resets those (no process can close a
 * listening socket atomically with clients that are connecting, and under load the queue is rarely
 * empty), so they were never accepted, like a refused connection. A request counts as raced only if
 * its connection is not among those the server logged as accepted, it went out on a fresh
 * connection, it got no byte back, the server never logged it, and its client's next attempt was
 * refused. Everything else must be a complete 2xx, or after SIGTERM a complete 503 or ECONNREFUSED.
 */
function classify(sent: Sent[], target: ServerProcess): { raced: Sent[]; unexpected: Sent[] } {
  const accepted = new Set(
    target.lines.filter((l) => l.msg === 'connection accepted').map((l) => l.remotePort),
  );
  const handled = new Set(target.lines.filter((l) => l.msg === 'request').map((l) => l.requestId));
  const refused = (s: Sent | undefined) => s?.outcome.kind === 'error' && s.outcome.code === 'ECONNREFUSED';
  const raced: Sent[] = [];
  const unexpected: Sent[] = [];
  sent.forEach((s, i) => {
    if (is2xx(s)) return;
    if (s.afterSigterm && (is503(s) || refused(s))) return;
    const next = sent.slice(i + 1).find((later) => later.client === s.client);
    const { outcome } = s;
    const neverAccepted =
      outcome.kind === 'error' &&
      outcome.localPort !== undefined &&
      !accepted.has(outcome.localPort) &&
      !outcome.reusedSocket &&
      !outcome.gotHeaders &&
      !handled.has(s.id);
    (s.afterSigterm && neverAccepted && refused(next) ? raced : unexpected).push(s);
  });
  return { raced, unexpected };
}

async function startWithFlags(args: string[], clients: number): Promise<string> {
  // Debug level: the server logs every connection it accepts (see `classify`).
  server = await startServer(db, ['--log-level', 'debug', ...args]);
  const admin = printedKeys(server.stderr()).get('admin')!;
  const call = apiClient(server, admin);
  for (let c = 0; c < clients; c++) {
    const res = await call('POST', flags, {
      body: { key: `load-${c}`, name: `load ${c}`, type: 'boolean', variations: [true, false] },
    });
    expect(res.status).toBe(201);
  }
  return admin;
}

/** The target keys of the flags' development configs, read from the file the server left. */
function storedTargets(): Set<string> {
  const raw = new BetterSqlite3(db, { readonly: true });
  try {
    const rows = raw
      .prepare(
        "SELECT c.config FROM flag_configs c JOIN environments e ON e.id = c.environment_id WHERE e.key = 'development'",
      )
      .all() as Array<{ config: string }>;
    return new Set(
      rows.flatMap((r) =>
        (JSON.parse(r.config).targets ?? []).flatMap((t: { values: string[] }) => t.values),
      ),
    );
  } finally {
    raw.close();
  }
}

/** Writes half of `body` now; the rest (and the end) once `rest` resolves. */
function slowBody(body: string, rest: Promise<unknown>) {
  return async (req: ClientRequest) => {
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    await rest;
    req.write(body.slice(half));
  };
}

function slowTargets(admin: string, id: string, rest: Promise<unknown>): RawRequest {
  const body = JSON.stringify({ variation: 0, add: [id] });
  return {
    method: 'POST',
    path: `${config('load-0')}/targets`,
    headers: {
      Authorization: `Bearer ${admin}`,
      'X-Request-Id': id,
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
    },
    writeBody: slowBody(body, rest),
  };
}

it('short grace period: no request is reset, writes that got 2xx are stored, exit 0', async () => {
  const clients = 6;
  const admin = await startWithFlags(['--shutdown-grace-ms', '200'], clients);
  const load = driveLoad(server!, admin, clients);
  await within(load.warmedUp(10), 15_000, 'warm-up traffic');
  load.sigterm();

  const sent = await within(load.done, 20_000, 'every client to see the listener closed');
  expect(await within(server!.exited, 10_000, 'exit after SIGTERM')).toBe(0);
  expect(server!.lines.at(-1)?.msg).toBe('stopped');

  const { raced, unexpected } = classify(sent, server!);
  expect(unexpected).toEqual([]);
  expect(raced.length).toBeLessThanOrEqual(clients);
  // The grace period served requests.
  expect(sent.filter((s) => s.afterSigterm && is2xx(s)).length).toBeGreaterThan(0);
  for (const s of sent.filter(is503)) {
    const outcome = s.outcome as Extract<Outcome, { kind: 'response' }>;
    expect(json(outcome)).toMatchObject({ error: { code: 'shutting_down' } });
    expect(outcome.headers.connection).toBe('close');
  }

  const stored = storedTargets();
  for (const s of sent.filter((s) => s.op === 'targets')) expect(stored.has(s.target!)).toBe(is2xx(s));
}, 45_000);

it('in-flight slow requests finish with 2xx while new ones get 503; nothing is reset, exit 0', async () => {
  const clients = 4;
  const admin = await startWithFlags(['--shutdown-grace-ms', '300'], clients);
  const load = driveLoad(server!, admin, clients);
  await within(load.warmedUp(5), 15_000, 'warm-up traffic');

  // Each slow request sends half its body, then the rest only once the closing phase has begun and
  // both the load and a request started during closing were answered 503: so they are in flight
  // across the end of the grace period, and the closing phase is observed, not assumed.
  const closing = server!.waitForLine((l) => l.msg.startsWith('closing'), 10_000);
  const lateAnswered = deferred();
  const rest = Promise.all([closing, load.until(() => load.sent.some(is503)), lateAnswered.promise]);
  const agent = new Agent({ keepAlive: true });
  const beforeSigterm = send(server!.url, agent, slowTargets(admin, 'slow-before-sigterm', rest));
  load.sigterm();
  await server!.waitForLine((l) => l.msg.startsWith('draining'));
  const duringGrace = send(server!.url, agent, slowTargets(admin, 'slow-during-grace', rest));
  await closing;
  // Started while closing: refused with 503 before its body is read (the rest is never sent).
  const late = send(server!.url, agent, slowTargets(admin, 'slow-while-closing', new Promise(() => {})));
  const lateOutcome = await within(late, 10_000, 'the 503 to a request started while closing');
  lateAnswered.resolve();

  const [first, second] = await within(
    Promise.all([beforeSigterm, duringGrace]),
    10_000,
    'the slow requests to finish',
  );
  const sent = await within(load.done, 20_000, 'every client to see the listener closed');
  agent.destroy();
  expect(await within(server!.exited, 10_000, 'exit after SIGTERM')).toBe(0);

  for (const [outcome, key] of [
    [first, 'slow-before-sigterm'],
    [second, 'slow-during-grace'],
  ] as const) {
    expect(outcome).toMatchObject({ kind: 'response', status: 200 });
    const body = json(outcome as Extract<Outcome, { kind: 'response' }>) as {
      targets: Array<{ values: string[] }>;
    };
    expect(body.targets[0]!.values).toContain(key);
  }
  expect(lateOutcome).toMatchObject({ kind: 'response', status: 503 });
  const { raced, unexpected } = classify(sent, server!);
  expect(unexpected).toEqual([]);
  expect(raced.length).toBeLessThanOrEqual(clients);
  expect(sent.filter((s) => is503(s)).length).toBeGreaterThan(0);

  const stored = storedTargets();
  expect(stored.has('slow-before-sigterm')).toBe(true);
  expect(stored.has('slow-during-grace')).toBe(true);
  expect(stored.has('slow-while-closing')).toBe(false);
  for (const s of sent.filter((s) => s.op === 'targets')) expect(stored.has(s.target!)).toBe(is2xx(s));
}, 45_000);

/** Resolves with a connected socket to `url`, or with the connect error (ECONNREFUSED, …). */
function open(url: string): Promise<Socket | NodeJS.ErrnoException> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => resolve(socket));
    socket.once('error', (error) => resolve(error));
  });
}

it('a connection accepted just before the listener closes still gets its request answered', async () => {
  const admin = await startWithFlags(['--shutdown-grace-ms', '200'], 1);
  const agent = new Agent({ keepAlive: true });
  const release = deferred();
  // Holds the closing phase open (in flight across the end of the grace period) until released.
  const slow = send(server!.url, agent, slowTargets(admin, 'slow-holder', release.promise));
  server!.child.kill('SIGTERM');
  const closing = await server!.waitForLine((l) => l.msg.startsWith('closing'));
  expect(closing.inFlight).toBe(1);

  // A client connects while the server is closing (the listener is still open) and is accepted; it
  // sends its request only after the listener closed (well within the server's 500 ms linger).
  const early = await open(server!.url);
  if (early instanceof Error) throw early;
  await server!.waitForLine((l) => l.msg === 'connection accepted' && l.remotePort === early.localPort);
  const received: Buffer[] = [];
  const ended = new Promise<string>((resolve, reject) => {
    early.on('data', (chunk: Buffer) => received.push(chunk));
    early.once('error', reject);
    early.once('end', () => resolve(Buffer.concat(received).toString('utf8')));
  });

  release.resolve();
  expect(await within(slow, 10_000, 'the slow request')).toMatchObject({ kind: 'response', status: 200 });
  // New connections are refused from now on (a connect that races the close may be reset instead)…
  const refused = async () => {
    for (;;) {
      const probe = await open(server!.url);
      if (!(probe instanceof Error)) probe.destroy();
      else if (probe.code === 'ECONNREFUSED') return;
    }
  };
  await within(refused(), 5_000, 'new connections to be refused');
  // …but the accepted connection's request, sent only now, is still answered.
  early.write(`GET /api/v1/projects HTTP/1.1\r\nHost: ensign\r\nAuthorization: Bearer ${admin}\r\n\r\n`);
  const response = await within(ended, 10_000, 'the answer on the accepted connection');
  expect(response).toMatch(/^HTTP\/1\.1 503 /);
  expect(response).toMatch(/^connection: close\r$/im);
  expect(response).toContain('"shutting_down"');
  agent.destroy();
  expect(await within(server!.exited, 10_000, 'exit after SIGTERM')).toBe(0);
}, 30_000);

it('a connection that never sends a request does not hold up the shutdown', async () => {
  await startWithFlags(['--shutdown-grace-ms', '0', '--shutdown-timeout-ms', '5000'], 0);
  // Like a browser's speculative preconnect: connected and accepted, but no request (yet).
  const silent = await open(server!.url);
  if (silent instanceof Error) throw silent;
  await server!.waitForLine((l) => l.msg === 'connection accepted' && l.remotePort === silent.localPort);
  const closedByServer = new Promise<boolean>((resolve) => silent.once('close', resolve));
  silent.resume();

  server!.child.kill('SIGTERM');
  // A forced exit (shutdown timeout) would be code 1.
  expect(await within(server!.exited, 10_000, 'exit after SIGTERM')).toBe(0);
  // Closed, and cleanly (`close` reports `hadError` true after a reset).
  expect(await within(closedByServer, 1_000, 'the server to close the silent connection')).toBe(false);
}, 20_000);

it('SDK streams stay open through the grace period, end cleanly when closing, and the server exits 0', async () => {
  const admin = await startWithFlags(['--shutdown-grace-ms', '1500', '--shutdown-timeout-ms', '8000'], 1);
  const sdk = printedKeys(server!.stderr()).get('development server SDK')!;
  const agent = new Agent({ keepAlive: true });
  const stream = send(server!.url, agent, {
    method: 'GET',
    path: '/sdk/v1/stream',
    headers: { Authorization: `Bearer ${sdk}`, 'X-Request-Id': 'sdk-stream' },
  });
  // Logged once the handler returned the streaming response: the stream is open.
  await server!.waitForLine((l) => l.msg === 'request' && l.requestId === 'sdk-stream');

  server!.child.kill('SIGTERM');
  await server!.waitForLine((l) => l.msg.startsWith('draining'));
  // A change during the grace period still reaches the open stream.
  const toggled = await apiClient(server!, admin)('POST', `${config('load-0')}/toggle`, {
    body: { on: true },
  });
  expect(toggled.status).toBe(200);
  const outcome = await within(stream, 10_000, 'the stream to end');
  agent.destroy();
  // A forced exit (the stream waited for until the shutdown timeout) would be code 1.
  expect(await within(server!.exited, 10_000, 'exit after SIGTERM')).toBe(0);
  // Ended as a complete response (a reset would be an error outcome), after the snapshot and the change.
  expect(outcome).toMatchObject({ kind: 'response', status: 200 });
  const { body } = outcome as Extract<Outcome, { kind: 'response' }>;
  expect(body).toMatch(/^id: 1\nevent: snapshot$/m);
  expect(body).toMatch(/^id: 2\nevent: change$/m);
}, 20_000);
