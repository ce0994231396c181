#!/usr/bin/env node
/**
 * The server process: configuration, database (migrations, first-start bootstrap), HTTP listener,
 * signals. Exit codes: 0 after a clean shutdown, 1 on a failure or a forced shutdown, 2 for invalid
 * configuration.
 */
import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener, RequestError } from '@hono/node-server';
import { createApp } from './app.js';
import { type Config, ConfigError, parseConfig } from './config.js';
import { keyHashingFor } from './delivery/key-hashing.js';
import { clusterPeers } from './delivery/peers.js';
import { StreamHub } from './delivery/stream-hub.js';
import { runPrimary, STOP_MESSAGE } from './lifecycle/cluster-primary.js';
import { gracefulShutdown, trackInFlight } from './lifecycle/graceful-shutdown.js';
import { createLifecycle } from './lifecycle/lifecycle.js';
import { createLogger, type Logger } from './logger.js';
import { bootstrapBanner, bootstrapIfEmpty } from './services/bootstrap.js';
import { openSqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';

function readConfig(): Config {
  try {
    const result = parseConfig(process.argv.slice(2), process.env, process.cwd());
    if (result.help) {
      process.stdout.write(`${result.usage}\n`);
      process.exit(0);
    }
    return result.config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `ensign-server: invalid configuration:\n${error.message}\nRun with --help for the options.\n`,
    );
    process.exit(2);
  }
}

// Listeners are installed first thing: without one, a SIGTERM that arrives while the server is still
// starting kills the process outright (the default action) instead of shutting it down cleanly.
let onSignal: (signal: NodeJS.Signals) => void = (signal) => {
  pendingSignal = signal;
};
let pendingSignal: NodeJS.Signals | undefined;
process.on('SIGTERM', (signal) => onSignal(signal));
process.on('SIGINT', (signal) => onSignal(signal));

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel });
  if (config.workers > 1 && cluster.isPrimary) {
    onSignal = await runPrimary(config, logger, (port) => `http://${urlHost(config.host)}:${port}`);
    if (pendingSignal !== undefined) onSignal(pendingSignal);
    return;
  }
  const lifecycle = createLifecycle();

  let store: Store;
  try {
    store = openSqliteStore({ path: config.dbPath });
    const applied = await store.migrate();
    logger.info('database ready', { path: config.dbPath, migrationsApplied: applied });
  } catch (error) {
    logger.error('cannot open the database', { path: config.dbPath, error });
    process.exit(1);
  }

  const createdKeys = await bootstrapIfEmpty(store);
  // The process's own hub, with its timers (heartbeats, stream lifetimes, the change-log poll for
  // other processes' commits); shutdown closes its streams (see handleSignals).
  const hub = new StreamHub({
    store,
    keyHashing: keyHashingFor,
    heartbeatMs: config.sseHeartbeatMs,
    maxLifetimeMs: config.sseMaxLifetimeMs,
    pollMs: config.changePollMs,
    onError: (what, error) => logger.error(what, { error }),
  });
  // Feeds open before the first SDK connects, so changes made meanwhile are replayable.
  await hub.openAll();
  hub.start();
  const app = createApp({
    store,
    hub,
    logger,
    lifecycle,
    metricsToken: config.metricsToken,
    peers: clusterPeers(),
    sdk: { retryMs: config.sseRetryMs, streamBufferBytes: config.sseBufferBytes },
  });
  const server = createServer(
    getRequestListener(app.fetch, {
      hostname: config.host,
      // Requests the adapter cannot turn into a URL (a raw backslash, a bad Host) never reach the
      // app; they still get the API's JSON error shape.
      errorHandler: (error) => requestErrorResponse(error, logger),
    }),
  );
  server.listen(config.port, config.host);
  const inFlight = trackInFlight(server, logger);
  server.on('error', (error) => {
    logger.error('cannot listen', { host: config.host, port: config.port, error });
    process.exit(1);
  });
  await new Promise<void>((listening) => server.once('listening', listening));

  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(config.host)}:${port}`;
  lifecycle.phase = 'serving';
  if (createdKeys !== undefined) {
    logger.info(
      'first start: created the default project, environments and API keys (printed once on stderr)',
    );
    process.stderr.write(`${bootstrapBanner(createdKeys, url)}\n`);
  }
  // A cluster's primary announces the whole cluster; a worker's line says which process it is.
  logger.info(cluster.isWorker ? 'worker listening' : 'listening', {
    url,
    host: config.host,
    port,
    pid: process.pid,
  });

  handleSignals({ server, inFlight, lifecycle, logger, store, hub, config });
}

function handleSignals(ctx: {
  server: Server;
  inFlight: ReturnType<typeof trackInFlight>;
  lifecycle: ReturnType<typeof createLifecycle>;
  logger: Logger;
  store: Store;
  hub: StreamHub;
  config: Config;
}): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      ctx.logger.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    ctx.logger.info('stop signal received', { signal });
    setTimeout(() => {
      ctx.logger.error('shutdown did not finish in time: forcing exit', {
        timeoutMs: ctx.config.shutdownTimeoutMs,
      });
      process.exit(1);
    }, ctx.config.shutdownTimeoutMs).unref();
    gracefulShutdown({
      server: ctx.server,
      inFlight: ctx.inFlight,
      lifecycle: ctx.lifecycle,
      graceMs: ctx.config.shutdownGraceMs,
      logger: ctx.logger,
      // SDK streams never end on their own: without this the closing phase waited for them until the
      // forced exit (code 1). Closed, their SDKs reconnect (to another replica) and resume.
      onClosing: () => ctx.hub.close(),
      release: () => ctx.store.close(),
    }).then(
      () => process.exit(0),
      (error: unknown) => {
        ctx.logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  onSignal = stop;
  // In a cluster the primary asks each worker once; a signal sent to the whole process group
  // (Ctrl-C) reaches the workers directly too, and must not count as a second one.
  process.on('message', (message) => {
    if (message === STOP_MESSAGE && !stopping) stop('SIGTERM');
  });
  // A signal that came while starting is handled now that there is a server to drain.
  if (pendingSignal !== undefined) stop(pendingSignal);
}

/** The host part of a URL to print: IPv6 in brackets, and a wildcard address as loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `ensign-server: fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

function requestErrorResponse(error: unknown, logger: Logger): Response {
  const isRequestError = error instanceof RequestError;
  if (!isRequestError) logger.error('unhandled error', { error });
  const body = isRequestError
    ? { error: { code: 'bad_request', message: `The request cannot be read: ${error.message}` } }
    : { error: { code: 'internal', message: 'Internal server error' } };
  return Response.json(body, { status: isRequestError ? 400 : 500 });
}
