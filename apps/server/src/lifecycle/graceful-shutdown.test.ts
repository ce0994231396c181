import type { Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, expect, it } from 'vitest';
import type { AppEnv } from '../http/app-env.js';
import { createLogger } from '../logger.js';
import { drainGuard } from '../middleware/drain-guard/index.js';
import { gracefulShutdown, trackInFlight } from './graceful-shutdown.js';
import { createLifecycle } from './lifecycle.js';

let server: Server | undefined;

afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

/** A promise with its resolver. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

it('drains: not ready at once, serves through the grace period, then 503s new requests while in-flight ones finish', async () => {
  const lifecycle = createLifecycle('serving');
  const slowEntered = deferred();
  const slowRelease = deferred();
  const app = new Hono<AppEnv>();
  app.use(drainGuard(lifecycle));
  app.get('/fast', (c) => c.text('fast'));
  app.get('/slow', async (c) => {
    slowEntered.resolve();
    await slowRelease.promise;
    return c.text('slow');
  });

  server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
  const inFlight = trackInFlight(server);
  await new Promise<void>((r) => server!.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const closing = deferred();
  const logger = createLogger({
    level: 'info',
    write: (line) => {
      if ((JSON.parse(line) as { msg: string }).msg.startsWith('closing')) closing.resolve();
    },
  });

  const slow = fetch(`${base}/slow`);
  await slowEntered.promise;

  let released = false;
  let done = false;
  const shutdown = gracefulShutdown({
    server,
    inFlight,
    lifecycle,
    graceMs: 1_000,
    logger,
    release: async () => {
      released = true;
    },
  }).then(() => {
    done = true;
  });
  expect(lifecycle.phase).toBe('draining');

  const duringGrace = await fetch(`${base}/fast`);
  expect(duringGrace.status).toBe(200);
  expect(duringGrace.headers.get('connection')).toBe('close');

  await closing.promise;
  const afterGrace = await fetch(`${base}/fast`);
  expect(afterGrace.status).toBe(503);
  expect(await afterGrace.json()).toMatchObject({ error: { code: 'shutting_down' } });
  expect(done).toBe(false);
  expect(released).toBe(false);

  slowRelease.resolve();
  const slowResponse = await slow;
  expect(slowResponse.status).toBe(200);
  expect(await slowResponse.text()).toBe('slow');
  await shutdown;
  expect(released).toBe(true);
  expect(server.listening).toBe(false);
  await expect(fetch(`${base}/fast`)).rejects.toThrow();
});

/** A server with the drain guard and `/fast`, listening on a free port. */
async function listen(lifecycle: ReturnType<typeof createLifecycle>) {
  const app = new Hono<AppEnv>();
  app.use(drainGuard(lifecycle));
  app.get('/fast', (c) => c.text('fast'));
  server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
  const inFlight = trackInFlight(server);
  await new Promise<void>((r) => server!.once('listening', r));
  return { inFlight, port: (server.address() as AddressInfo).port };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the peer sends until it closes; rejects on a reset. */
function readAll(socket: Socket): Promise<string> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

it('answers a request sent on a connection accepted before the close, and closes connections that send nothing', async () => {
  const lifecycle = createLifecycle('serving');
  const { inFlight, port } = await listen(lifecycle);
  const silent = await open(port);
  const late = await open(port);
  const silentEnded = readAll(silent);
  const lateAnswer = readAll(late);
  const logger = createLogger({ level: 'error', write: () => {} });

  let onClosingRan = false;
  const shutdown = gracefulShutdown({
    server: server!,
    inFlight,
    lifecycle,
    graceMs: 0,
    idleLingerMs: 200,
    logger,
    onClosing: () => {
      onClosingRan = true;
    },
    release: async () => {},
  });
  // The listener closes (new connections are refused) while both accepted connections stay open.
  // (A connect that races the close is reset by the kernel instead: try again.)
  for (;;) {
    const error = await open(port).then(
      (probe) => void probe.destroy(),
      (e: NodeJS.ErrnoException) => e,
    );
    if (error?.code === 'ECONNREFUSED') break;
  }
  expect(onClosingRan).toBe(true);
  late.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n');
  const answer = await lateAnswer;
  expect(answer).toMatch(/^HTTP\/1\.1 503 /);
  expect(answer).toMatch(/^connection: close\r$/im);

  // Without the sweep, `server.close()` would wait for the silent connection (Node's headersTimeout).
  await shutdown;
  expect(await silentEnded).toBe('');
}, 10_000);
