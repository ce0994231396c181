import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../http/app-env.js';
import type { Logger } from '../../logger.js';

/** Load balancers and orchestrators poll these every few seconds: successes are not news. */
const probes = new Set(['/livez', '/readyz']);

/**
 * One log line per request, after the response is ready: method, path (without the query string,
 * which may carry secrets), status, duration in ms, request id. Runs after `requestId`. Successful
 * health probes log at `debug`, so they do not drown the requests that matter.
 */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now();
    await next();
    const quiet = probes.has(c.req.path) && c.res.status < 300;
    logger[quiet ? 'debug' : 'info']('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - start) * 1000) / 1000,
      requestId: c.get('requestId'),
    });
  };
}
