/**
 * OpenAPI 3.1 from the code: every route declares its summary and responses with `route()`, and its
 * body or query with the validators in validate.ts, which carry their zod schema into the document.
 * hono-openapi walks the app's routes and writes `/api/openapi.json`; nothing is written by hand.
 */
import type { Hono } from 'hono';
import { describeRoute, openAPIRouteHandler, resolver } from 'hono-openapi';
import type { ZodType } from 'zod';
import type { AppEnv } from './app-env.js';
import { errorSchema } from './response-schemas.js';

type Responses = Record<number, { description: string; schema?: ZodType; headers?: Record<string, string> }>;

const errorResponses: Responses = {
  401: { description: 'No API key, or a malformed, unknown or revoked one', schema: errorSchema },
  403: { description: 'A valid key of a kind that may not use this endpoint', schema: errorSchema },
};

/**
 * Documents one operation. `errors` lists the other statuses it can answer, with why.
 *
 * @example
 * app.get('/', route({ summary: 'List projects', tags: ['Projects'], ok: listOf(projectSchema) }), handler);
 */
export function route(spec: {
  summary: string;
  description?: string;
  tags: string[];
  /** The success response: status 200 unless `status` says otherwise. */
  ok?: ZodType;
  status?: number;
  okDescription?: string;
  errors?: Record<number, string>;
  /** Answers with an ETag (the version). */
  etag?: boolean;
  /** Other ways to pass the key than `Authorization: Bearer` (the stream's `?key=` for client keys). */
  alsoKeyInQuery?: boolean;
}) {
  const responses: Record<string, unknown> = {};
  const success = spec.status ?? 200;
  responses[success] = {
    description: spec.okDescription ?? 'OK',
    ...(spec.etag === true && {
      headers: { ETag: { description: 'The version, for If-Match', schema: { type: 'string' } } },
    }),
    ...(spec.ok !== undefined && { content: { 'application/json': { schema: resolver(spec.ok) } } }),
  };
  const errors: Responses = { ...errorResponses };
  for (const [status, description] of Object.entries(spec.errors ?? {}))
    errors[Number(status)] = { description, schema: errorSchema };
  for (const [status, r] of Object.entries(errors))
    responses[status] = {
      description: r.description,
      content: { 'application/json': { schema: resolver(errorSchema) } },
    };
  return describeRoute({
    summary: spec.summary,
    ...(spec.description !== undefined && { description: spec.description }),
    tags: spec.tags,
    security: spec.alsoKeyInQuery === true ? [{ apiKey: [] }, { clientKeyQuery: [] }] : [{ apiKey: [] }],
    responses: responses as never,
  });
}

/** A public operation (no key needed): health probes and the reference itself. */
export function publicRoute(spec: { summary: string; tags: string[]; description?: string }) {
  return describeRoute({ ...spec, security: [], responses: { 200: { description: 'OK' } } });
}

/** The handler of `GET /api/openapi.json` for `app`. */
export function openApiDocument(app: Hono<AppEnv>, version: string) {
  return openAPIRouteHandler(app, {
    documentation: {
      openapi: '3.1.0',
      info: {
        title: 'Ensign API',
        version,
        description:
          'Admin and SDK API of the Ensign feature-flag server. Authenticate with `Authorization: Bearer <key>`: ' +
          'admin keys for `/api/v1`, SDK keys of one environment for `/sdk/v1` and `/ofrep/v1`. ' +
          'Errors share one shape: `{ "error": { "code", "message", "issues": [{ "path", "message" }] } }`. ' +
          'Writes that replace a document need `If-Match` with the ETag you read (412 when stale).',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer' },
          clientKeyQuery: {
            type: 'apiKey',
            in: 'query',
            name: 'key',
            description: 'Client-SDK keys only, for browsers whose EventSource cannot send headers',
          },
        },
      },
    },
    defaultValidationErrorResponse: false,
    exclude: ['/docs', '/api/openapi.json'],
  });
}
