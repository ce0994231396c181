import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../http/api-error.js';
import type { AppEnv } from '../../http/app-env.js';

const json = /^application\/([\w.-]+\+)?json$/i;

/**
 * Requests with a body must declare it JSON (415 otherwise). Without this, Hono's validator would
 * treat a body of another type as `{}` and report missing fields instead of the real problem.
 */
export function jsonContent(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const length = c.req.header('Content-Length');
    const chunked = c.req.header('Transfer-Encoding') !== undefined;
    // Over HTTP/1.1 a body is announced by Content-Length or Transfer-Encoding, and without either
    // there is none (a DELETE from fetch sends neither). A Request built in process (tests, other
    // adapters) may have neither header, so there fall back to whether it has a stream.
    const overHttp = (c.env as { incoming?: unknown } | undefined)?.incoming !== undefined;
    const hasBody = length !== undefined ? length !== '0' : chunked || (!overHttp && c.req.raw.body !== null);
    const type = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim();
    if (hasBody && !json.test(type)) {
      throw new ApiError(
        415,
        'unsupported_media_type',
        'Request bodies must be JSON (Content-Type: application/json)',
      );
    }
    await next();
  };
}
