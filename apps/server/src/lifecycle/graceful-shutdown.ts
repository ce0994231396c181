/**
 * Stopping without dropping requests. The sequence, after SIGTERM or SIGINT:
 * 1. phase `draining` at once: /readyz answers 503, so the load balancer stops routing here; the
 *    requests it still sends meanwhile are served normally (with `Connection: close`).
 * 2. after the grace period, phase `closing`: new requests get 503 (drain-guard); the requests that
 *    were already in flight are awaited;
 * 3. the listener is closed, idle keep-alive connections too, and `release` runs (closes the database).
 * The caller bounds the whole sequence with a timeout and exits.
 */
import type { Server, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import type { Lifecycle } from './lifecycle.js';

export interface InFlight {
  /** Requests whose responses have not finished, at this moment. */
  snapshot(): ServerResponse[];
}

/** Tracks in-flight requests at the Node level, so streamed responses count until they end. */
export function trackInFlight(server: Server): InFlight {
  const open = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    open.add(res);
    res.once('close', () => open.delete(res));
  });
  return { snapshot: () => [...open] };
}

export interface ShutdownOptions {
  server: Server;
  inFlight: InFlight;
  lifecycle: Lifecycle;
  graceMs: number;
  logger: Logger;
  /** Runs once no request is in flight and the listener is closed (e.g. closes the store). */
  release: () => Promise<void>;
}

export async function gracefulShutdown(options: ShutdownOptions): Promise<void> {
  const { server, inFlight, lifecycle, logger } = options;
  lifecycle.phase = 'draining';
  logger.info('draining: readiness is now false', { graceMs: options.graceMs });
  await delay(options.graceMs);

  lifecycle.phase = 'closing';
  const pending = inFlight.snapshot();
  logger.info('closing: new requests get 503, waiting for in-flight requests', { inFlight: pending.length });
  await Promise.all(
    pending.map((res) => (res.closed ? undefined : new Promise((done) => res.once('close', done)))),
  );

  const closed = new Promise<void>((done) => server.close(() => done()));
  server.closeIdleConnections();
  await closed;
  await options.release();
  logger.info('stopped');
}
