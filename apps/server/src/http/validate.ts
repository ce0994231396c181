import { zValidator } from '@hono/zod-validator';
import { resolver, uniqueSymbol } from 'hono-openapi';
import type { ZodType } from 'zod';
import { ApiError, type Issue } from './api-error.js';
import { maxJsonDepth, tooDeep } from './json-depth.js';

/** Marks a validator with its schema, so that the OpenAPI document describes what it accepts. */
function documented<M extends object>(middleware: M, target: 'json' | 'query', schema: ZodType): M {
  return Object.assign(middleware, { [uniqueSymbol]: { target, ...resolver(schema) } });
}

const issuesOf = (error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }) =>
  error.issues.map((issue): Issue => ({ path: issue.path.map(String).join('.'), message: issue.message }));

/**
 * Validates a JSON body against a zod schema (for instance the core's `flagSchema`). A body that is
 * not JSON is a 400 (thrown by Hono's validator, translated by the error handler); a body that does
 * not match is a 422 listing every issue with the path of its field.
 *
 * @example
 * app.post('/', jsonBody(z.object({ key: z.string() })), (c) => c.json(c.req.valid('json')));
 */
export function jsonBody<T extends ZodType>(schema: T) {
  const validate = zValidator('json', schema, (result) => {
    if (!result.success) {
      throw new ApiError(422, 'invalid_body', 'The request body is invalid', {
        issues: issuesOf(result.error),
      });
    }
  });
  const middleware = (async (c, next) => {
    // Hono caches the parsed body, so the validator does not parse it again. A body that does not
    // parse is left to the validator, which answers 400.
    const body: unknown = await c.req.json().catch(() => undefined);
    const path = tooDeep(body);
    if (path !== undefined) {
      throw new ApiError(422, 'invalid_body', 'The request body is invalid', {
        issues: [{ path: path.join('.'), message: `JSON nested deeper than ${maxJsonDepth} levels` }],
      });
    }
    return validate(c, next);
  }) as typeof validate;
  return documented(middleware, 'json', schema);
}

/** Validates the query string: 400 naming each bad parameter. */
export function queryParams<T extends ZodType>(schema: T) {
  const middleware = zValidator('query', schema, (result) => {
    if (!result.success) {
      throw new ApiError(400, 'bad_request', 'Invalid query parameters', { issues: issuesOf(result.error) });
    }
  });
  return documented(middleware, 'query', schema);
}
