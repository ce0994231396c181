import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../http/api-error.js';
import type { AppEnv } from '../../http/app-env.js';
import { sendError } from '../../http/error-handler.js';
import type { Lifecycle } from '../../lifecycle/lifecycle.js';

/**
 * Shutdown behaviour at the HTTP level. While draining, requests are served but answered with
 * `Connection: close`, so keep-alive clients reconnect (through the load balancer, elsewhere).
 * Once closing, every new request except the health probes gets 503 in the API's error shape.
 */
export function drainGuard(lifecycle: Lifecycle): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (lifecycle.phase === 'closing' && c.req.path !== '/livez' && c.req.path !== '/readyz') {
      c.header('Connection', 'close');
      c.header('Retry-After', '1');
      return sendError(c, new ApiError(503, 'shutting_down', 'The server is shutting down; retry elsewhere'));
    }
    await next();
    if (lifecycle.phase !== 'serving' && lifecycle.phase !== 'starting')
      c.res.headers.set('Connection', 'close');
  };
}
