/**
 * The one error shape of the HTTP API:
 * `{ "error": { "code", "message", "issues"?: [{ "path", "message" }] } }`.
 * Code inside throws `ApiError` (or a `StoreError`); `error-handler.ts` turns it into a response.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import type { Issue } from '../services/domain-error.js';

export type { Issue };

export interface ErrorBody {
  error: { code: string; message: string; issues?: Issue[] };
}

/**
 * An error meant for the client: its status, code and message are sent as they are.
 *
 * @example
 * throw new ApiError(404, 'not_found', 'flag "checkout" does not exist');
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly issues: Issue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    options: { issues?: Issue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.issues !== undefined && { issues: this.issues }),
      },
    };
  }
}
