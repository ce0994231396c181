import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../http/app-env.js';
import type { Logger } from '../../logger.js';

/**
 * One log line per request, after the response is ready: method, path (without the query string,
 * which may carry secrets), status, duration in ms, request id. Runs after `requestId`.
 */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now();
    await next();
    logger.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - start) * 1000) / 1000,
      requestId: c.get('requestId'),
    });
  };
}
