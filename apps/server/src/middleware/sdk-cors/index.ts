import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../http/app-env.js';

const allowHeaders = 'Authorization, Content-Type, If-None-Match, Last-Event-ID';
const exposeHeaders = 'ETag, Retry-After, X-Request-Id';

/**
 * CORS for the SDK and OFREP endpoints, which browsers call from the product's own origin: any
 * origin may, because access is decided by the key alone (no cookies: credentials are never
 * allowed). Preflights are answered before authentication, as browsers send them without the key;
 * an OPTIONS that is not a preflight is an ordinary request (401, 403 or 404 as usual).
 * The admin API has no CORS: it is not meant to be called from other sites' pages.
 *
 * Hand-written rather than Hono's `cors`: that one touches the response before the handler runs,
 * which sends every response down the Node adapter's slow path (about half of remote evaluation's
 * throughput). Here requests without an `Origin` (servers, SDKs in Node) are not touched at all.
 */
export function sdkCors(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.header('Origin') === undefined) return next();
    if (c.req.method === 'OPTIONS' && c.req.header('Access-Control-Request-Method') !== undefined) {
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': allowHeaders,
        'Access-Control-Max-Age': '86400',
        Vary: 'Access-Control-Request-Headers',
      });
    }
    await next();
    c.res.headers.set('Access-Control-Allow-Origin', '*');
    c.res.headers.set('Access-Control-Expose-Headers', exposeHeaders);
  };
}
