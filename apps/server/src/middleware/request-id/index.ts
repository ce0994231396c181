import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../http/app-env.js';

/** Accepted incoming ids: short, printable, no spaces or quotes (they go into logs and headers). */
const sane = /^[A-Za-z0-9._:/+=-]{1,128}$/;

/**
 * Gives every request an id: the caller's `X-Request-Id` when it is sane (so a trace spans the
 * proxy, this server and the client), otherwise a new UUID. Echoed in the response header.
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('X-Request-Id');
    const id = incoming !== undefined && sane.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
    // Responses built outside `c` (errors, 404s) lose headers set before `next`; set it again.
    c.res.headers.set('X-Request-Id', id);
  };
}
