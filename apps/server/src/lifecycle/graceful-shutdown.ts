/**
 * Stopping without dropping requests. The sequence, after SIGTERM or SIGINT:
 * 1. phase `draining` at once: /readyz answers 503, so the load balancer stops routing here; the
 *    requests it still sends meanwhile are served normally (with `Connection: close`).
 * 2. after the grace period, phase `closing`: new requests get 503 (drain-guard), `onClosing` ends
 *    the responses that never end on their own (SDK streams), and the requests that were already in
 *    flight are awaited;
 * 3. the listener is closed, idle connections too (see `idleLingerMs`), and `release` runs (closes
 *    the database).
 * The caller bounds the whole sequence with a timeout and exits.
 */
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import type { Lifecycle } from './lifecycle.js';

export interface InFlight {
  /** Requests whose responses have not finished, at this moment. */
  snapshot(): ServerResponse[];
  /** Open connections with no request in progress that have been idle for at least `ms`. */
  idleFor(ms: number): Socket[];
}

/**
 * Tracks in-flight requests at the Node level, so streamed responses count until they end, and
 * each connection's idle time (since it was accepted or its last response ended). With a logger,
 * every accepted connection is logged at debug level (which client ports reached the server).
 */
export function trackInFlight(server: Server, logger?: Logger): InFlight {
  const open = new Set<ServerResponse>();
  const connections = new Map<Socket, { busy: number; idleSince: number }>();
  server.on('connection', (socket: Socket) => {
    logger?.debug('connection accepted', {
      remoteAddress: socket.remoteAddress,
      remotePort: socket.remotePort,
    });
    connections.set(socket, { busy: 0, idleSince: performance.now() });
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (req, res: ServerResponse) => {
    open.add(res);
    const connection = connections.get(req.socket as Socket);
    if (connection !== undefined) connection.busy++;
    res.once('close', () => {
      open.delete(res);
      if (connection === undefined) return;
      connection.busy--;
      connection.idleSince = performance.now();
    });
  });
  return {
    snapshot: () => [...open],
    idleFor: (ms) => {
      const since = performance.now() - ms;
      return [...connections].filter(([, c]) => c.busy === 0 && c.idleSince <= since).map(([s]) => s);
    },
  };
}

export interface ShutdownOptions {
  server: Server;
  inFlight: InFlight;
  lifecycle: Lifecycle;
  graceMs: number;
  logger: Logger;
  /**
   * Runs when the grace period ends, before in-flight requests are awaited: ends long-lived
   * responses (SDK streams), which would otherwise be waited for until the forced exit.
   */
  onClosing?: () => void;
  /** Runs once no request is in flight and the listener is closed (e.g. closes the store). */
  release: () => Promise<void>;
  /**
   * Once the listener is closed, how long a connection that has not sent a request may stay open.
   * Default 500 ms: enough for the request of a connection accepted just before to arrive.
   */
  idleLingerMs?: number;
}

export async function gracefulShutdown(options: ShutdownOptions): Promise<void> {
  const { server, inFlight, lifecycle, logger } = options;
  const lingerMs = options.idleLingerMs ?? 500;
  lifecycle.phase = 'draining';
  logger.info('draining: readiness is now false', { graceMs: options.graceMs });
  await delay(options.graceMs);

  lifecycle.phase = 'closing';
  options.onClosing?.();
  const pending = inFlight.snapshot();
  logger.info('closing: new requests get 503, waiting for in-flight requests', { inFlight: pending.length });
  await Promise.all(
    pending.map((res) => (res.closed ? undefined : new Promise((done) => res.once('close', done)))),
  );

  const closed = new Promise<void>((done) => server.close(() => done()));
  // Why the sweep: `server.close()` stops the listener and closes idle keep-alive connections, but
  // not connections that never completed a request (a client's speculative preconnect, or one whose
  // request is still on its way), and it waits for them: until Node's headersTimeout (60 s), well
  // past the shutdown timeout, so one such connection turned a clean stop into a forced exit 1. They
  // get `lingerMs` for a request to arrive (it is answered 503 with `Connection: close`), then are
  // destroyed.
  const sweep = () => {
    for (const socket of inFlight.idleFor(lingerMs)) socket.destroy();
  };
  const sweeper = setInterval(sweep, Math.max(10, Math.min(100, lingerMs / 5)));
  try {
    await closed;
  } finally {
    clearInterval(sweeper);
  }
  await options.release();
  logger.info('stopped');
}
