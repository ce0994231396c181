import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../logger.js';
import { DomainError } from '../services/domain-error.js';
import { StoreError } from '../store/store-error.js';
import { ApiError } from './api-error.js';
import type { AppEnv } from './app-env.js';

const storeStatus = { not_found: 404, conflict: 409, version_mismatch: 412 } as const;
const domainStatus = { not_found: 404, invalid: 422, conflict: 409, precondition_required: 428 } as const;

const codeByStatus: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'invalid_body',
  503: 'unavailable',
};

/** Translates anything thrown into the API's one error shape (see api-error.ts). */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError) {
    return new ApiError(domainStatus[error.kind], error.code, error.message, {
      ...(error.issues !== undefined && { issues: error.issues }),
      ...(error.currentVersion !== undefined && { headers: { ETag: `"${error.currentVersion}"` } }),
    });
  }
  if (error instanceof StoreError) {
    return new ApiError(storeStatus[error.code], error.code, error.message, {
      ...(error.currentVersion !== undefined && { headers: { ETag: `"${error.currentVersion}"` } }),
    });
  }
  if (error instanceof HTTPException && error.status < 500) {
    const status = error.status as ContentfulStatusCode;
    return new ApiError(status, codeByStatus[status] ?? 'client_error', error.message || 'Bad request');
  }
  return undefined;
}

/**
 * `app.onError`: client errors are answered as they are; anything else is logged with the request
 * id and answered 500 with a generic message, so no internals (stack, SQL, paths) leak.
 */
export function errorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    const known = toApiError(error);
    if (known !== undefined) return sendError(c, known);
    logger.error('unhandled error', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      error,
    });
    return sendError(c, new ApiError(500, 'internal', 'Internal server error'));
  };
}

/** `app.notFound`: unknown routes get the same shape. */
export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  sendError(c, new ApiError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`));

export function sendError(c: Context<AppEnv>, error: ApiError): Response {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json(error.toBody(), error.status);
}
