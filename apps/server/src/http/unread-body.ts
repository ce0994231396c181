/**
 * Reading and discarding the rest of a request body nobody read (a route that takes no body, a 401
 * before the body, a 413), before answering.
 *
 * Left unread, the bytes stay on the connection: the HTTP adapter resets it, and the client sees a
 * reset instead of the answer, or its next request on the keep-alive connection fails. Discarding
 * what is left, within a budget, lets the answer arrive; past the budget the connection is closed
 * anyway, so a client cannot make the server read forever.
 */
import type { IncomingMessage } from 'node:http';

export interface DiscardBudget {
  maxBytes: number;
  maxMs: number;
}

/**
 * Resolves `true` once `incoming` has been read to its end, `false` when it failed or used up the
 * budget (the connection should then be closed). `undefined` (no Node request) resolves `true`.
 */
export function discardUnreadBody(
  incoming: IncomingMessage | undefined,
  budget: DiscardBudget = { maxBytes: 16 * 1024 * 1024, maxMs: 2_000 },
): Promise<boolean> {
  if (incoming === undefined || incoming.readableEnded) return Promise.resolve(true);
  if (incoming.destroyed) return Promise.resolve(false);
  return new Promise((done) => {
    let bytes = 0;
    const finish = () => {
      clearTimeout(timer);
      incoming.off('data', onData);
      incoming.off('end', finish);
      incoming.off('close', finish);
      incoming.off('error', finish);
      done(incoming.readableEnded);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > budget.maxBytes) finish();
    };
    const timer = setTimeout(finish, budget.maxMs);
    // The adapter's web stream of the body (made when the app looked at `body`) listens too, and
    // pauses the request whenever its unread queue is full: nobody reads it any more, so it goes.
    incoming.removeAllListeners('data');
    incoming.on('data', onData);
    incoming.once('end', finish);
    incoming.once('close', finish);
    incoming.once('error', finish);
    incoming.resume();
  });
}

/** Whether a request announces a body (HTTP/1.1: a non-zero Content-Length, or Transfer-Encoding). */
export function announcesBody(incoming: IncomingMessage): boolean {
  const length = incoming.headers['content-length'];
  return (
    (length !== undefined && length.trim() !== '0') || incoming.headers['transfer-encoding'] !== undefined
  );
}
