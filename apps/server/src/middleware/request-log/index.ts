import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../http/app-env.js';
import type { Logger } from '../../logger.js';

/** Load balancers and orchestrators poll these every few seconds: successes are not news. */
const probes = new Set(['/livez', '/readyz']);

/**
 * SDKs call these for every evaluation, poll and report: thousands of successes a second are counted
 * by /metrics (per route and status), and a line each cost remote evaluation ≈ 10 % of its
 * throughput (docs/benchmarks.md). Their failures are still logged at `info`.
 */
const quietWhenSuccessful = (path: string) =>
  probes.has(path) || path.startsWith('/sdk/') || path.startsWith('/ofrep/');

/**
 * One log line per request, after the response is ready: method, path (without the query string,
 * which may carry secrets), status, duration in ms, request id. Runs after `requestId`. Successful
 * health probes and SDK requests log at `debug`, so they do not drown the requests that matter.
 */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now();
    await next();
    const quiet = c.res.status < 400 && quietWhenSuccessful(c.req.path);
    logger[quiet ? 'debug' : 'info']('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - start) * 1000) / 1000,
      requestId: c.get('requestId'),
    });
  };
}
