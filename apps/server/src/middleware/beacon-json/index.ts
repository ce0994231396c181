import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../http/app-env.js';

const textPlain = /^text\/plain\s*(;|$)/i;

/**
 * Reads a `text/plain` body as JSON, for the routes browsers send beacons to (telemetry).
 *
 * `navigator.sendBeacon` cannot set headers, and beacons go with credentials: a body of a type that
 * is not CORS-safelisted (`application/json` is not) is preflighted, then blocked, because a
 * credentialed request cannot pass `Access-Control-Allow-Origin: *` (seen in Chromium 156). A page's
 * SDK sends its JSON as a string, which goes out as `text/plain;charset=UTF-8`: safelisted, so no
 * preflight and no CORS check, which is also what lets it leave a page that is being unloaded. The
 * body is then validated exactly as a JSON one (400 when it does not parse, 422 when it does not fit).
 */
export function beaconJson(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const type = c.req.header('Content-Type');
    if (type !== undefined && textPlain.test(type)) {
      const headers = new Headers(c.req.raw.headers);
      headers.set('Content-Type', 'application/json');
      c.req.raw = new Request(c.req.raw, { headers });
    }
    await next();
  };
}
