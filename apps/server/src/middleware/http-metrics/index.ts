import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../../http/app-env.js';
import type { ServerMetrics } from '../../metrics/server-metrics.js';

const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Counts every request in `ensign_http_requests_total` by method, route pattern and status class
 * (`2xx`…`5xx`). The route is the pattern of the handler that answered (`/api/v1/projects/:project`),
 * never the raw path, so the number of series stays bounded whatever URLs clients send: a request no
 * route matched is labelled with the pattern of the last middleware it passed (`/api/v1/*`, `/*`).
 * Mount it first, so that every answer is counted, errors and 503s of a draining server included.
 *
 * @example
 * app.use(httpMetrics(metrics));
 */
export function httpMetrics(metrics: Pick<ServerMetrics, 'httpRequests'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      // After `next`, the route index is that of the last handler that ran: the one that answered.
      metrics.httpRequests.inc({
        method: methods.has(c.req.method) ? c.req.method : 'OTHER',
        route: routePath(c) || 'unknown',
        status: `${Math.trunc(status / 100)}xx`,
      });
    }
  };
}
