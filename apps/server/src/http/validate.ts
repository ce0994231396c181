import { zValidator } from '@hono/zod-validator';
import type { ZodType } from 'zod';
import { ApiError, type Issue } from './api-error.js';

/**
 * Validates a JSON body against a zod schema (for instance the core's `flagSchema`). A body that is
 * not JSON is a 400 (thrown by Hono's validator, translated by the error handler); a body that does
 * not match is a 422 listing every issue with the path of its field.
 *
 * @example
 * app.post('/', jsonBody(z.object({ key: z.string() })), (c) => c.json(c.req.valid('json')));
 */
export function jsonBody<T extends ZodType>(schema: T) {
  return zValidator('json', schema, (result) => {
    if (!result.success) {
      throw new ApiError(422, 'invalid_body', 'The request body is invalid', {
        issues: result.error.issues.map(
          (issue): Issue => ({ path: issue.path.map(String).join('.'), message: issue.message }),
        ),
      });
    }
  });
}
