import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
