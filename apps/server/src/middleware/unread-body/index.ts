import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../http/app-env.js';
import { announcesBody, discardUnreadBody } from '../../http/unread-body.js';

/**
 * After the app has answered, reads and discards whatever of the request body nobody read, so the
 * answer reaches the client and the keep-alive connection stays usable (see http/unread-body.ts).
 * When the rest is too large or too slow, the answer says `Connection: close`.
 */
export function unreadBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    // The Node request, not `c.req.raw`: middleware (the body limit) may have replaced that.
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (incoming === undefined || !announcesBody(incoming)) return;
    // A response that closes the connection (503 while shutting down) does not wait for the body:
    // the connection will not be reused, and shutdown must not wait on slow senders.
    if (c.res.headers.get('Connection')?.toLowerCase() === 'close') return;
    if (!(await discardUnreadBody(incoming))) c.res.headers.set('Connection', 'close');
  };
}
