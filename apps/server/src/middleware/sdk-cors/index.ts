import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../../http/app-env.js';

/**
 * CORS for the SDK and OFREP endpoints, which browsers call from the product's own origin: any
 * origin may, because access is decided by the key alone (no cookies: credentials are never
 * allowed). Preflights are answered before authentication, as browsers send them without the key.
 * The admin API has no CORS: it is not meant to be called from other sites' pages.
 */
export function sdkCors(): MiddlewareHandler<AppEnv> {
  const handle = cors({
    origin: '*',
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'If-None-Match', 'Last-Event-ID'],
    exposeHeaders: ['ETag', 'Retry-After', 'X-Request-Id'],
    maxAge: 86_400,
  });
  return async (c, next) => {
    // Hono's cors answers every OPTIONS; only a real preflight (Origin and the requested method)
    // skips the key check. Any other OPTIONS is an ordinary request: 401, 403 or 404 as usual.
    const preflight =
      c.req.header('Origin') !== undefined && c.req.header('Access-Control-Request-Method') !== undefined;
    if (c.req.method === 'OPTIONS' && !preflight) return next();
    return handle(c, next);
  };
}
