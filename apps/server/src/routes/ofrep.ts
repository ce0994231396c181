import { createHash } from 'node:crypto';
import { Hono, type Context as HonoContext } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import type { ZodType } from 'zod';
import type { StreamHub } from '../delivery/stream-hub.js';
import type { AppEnv } from '../http/app-env.js';
import { sendError, toApiError } from '../http/error-handler.js';
import { ifNoneMatches } from '../http/if-none-match.js';
import {
  type OfrepRequest,
  ofrepBulkFailureSchema,
  ofrepBulkSuccessSchema,
  ofrepConfigurationSchema,
  ofrepFailureSchema,
  ofrepFlagNotFoundSchema,
  ofrepGeneralErrorSchema,
  ofrepRequestSchema,
  ofrepSuccessSchema,
  parseOfrepRequest,
  toOfrepResult,
} from '../http/ofrep-wire.js';
import type { Logger } from '../logger.js';
import { evaluateAll, evaluateFlag, evaluationTag } from '../services/remote-evaluation.js';
import type { Store } from '../store/store.js';
import { REMOTE_EVALUATION_STALENESS_MS, sdkFeed } from './sdk.js';

const tags = ['OFREP'];

/** OFREP's `/ofrep/v1/configuration`: no key-specific content, so one body and one tag for all. */
const configuration = {
  name: 'Ensign',
  capabilities: {
    // Polling the bulk endpoint with If-None-Match is cheap (a 304 evaluates nothing), but pointless
    // faster than the server itself notices commits of other processes (its change-log poll, 1 s).
    cacheInvalidation: { polling: { enabled: true, minPollingIntervalMs: 1_000 } },
    flagEvaluation: { supportedTypes: ['boolean', 'string', 'int', 'float', 'object'] },
  },
};
const configurationTag = `"${createHash('sha256').update(JSON.stringify(configuration)).digest('base64url').slice(0, 22)}"`;

const json = (schema: ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema: resolver(schema) } },
});
const authResponses = {
  401: { description: 'No SDK key, or a malformed, unknown or revoked one (the API error shape)' },
  403: { description: 'An admin key, or a key without an environment (the API error shape)' },
};
const internal = json(ofrepGeneralErrorSchema, 'Internal server error');
const requestBody = { content: { 'application/json': { schema: resolver(ofrepRequestSchema) } } };

/** The request's context, or why it has none: read here so that even a non-JSON body gets OFREP's 400. */
async function readRequest(c: HonoContext<AppEnv>): Promise<OfrepRequest> {
  return parseOfrepRequest(await c.req.text());
}

/**
 * The OpenFeature Remote Evaluation Protocol under `/ofrep/v1` (open-feature/protocol,
 * service/openapi.yaml), for the OpenFeature OFREP providers: server and client SDK keys in
 * `Authorization: Bearer` (auth, body limit and JSON content type are applied by app.ts). Client keys
 * see only client-side flags. See docs/protocol.md, "Remote evaluation and OFREP".
 */
export function ofrepRoutes(deps: { store: Store; hub: StreamHub; logger: Logger }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // OFREP prescribes a 500 body of its own; client errors thrown here (401/403/413, for which it
  // prescribes none) keep the API's error shape.
  app.onError((error, c) => {
    const known = toApiError(error);
    if (known !== undefined) return sendError(c, known);
    deps.logger.error('unhandled error', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      error,
    });
    return c.json({ errorDetails: 'Internal server error' }, 500);
  });

  app.post(
    '/evaluate/flags/:key',
    describeRoute({
      summary: 'OFREP: evaluate one flag',
      description:
        'Called by OFREP server providers for each evaluation. Body `{ "context": { "targetingKey"?, … } }`; ' +
        '`targetingKey` is evaluated as the Ensign context `key`. A flag the key may not see (client keys: ' +
        'not client-side) is 404 like a missing one. The flag type is not part of OFREP: providers report ' +
        'TYPE_MISMATCH themselves.',
      tags,
      security: [{ apiKey: [] }],
      requestBody,
      responses: {
        200: json(ofrepSuccessSchema, 'The evaluation'),
        400: json(ofrepFailureSchema, 'The evaluation failed, or the request is invalid'),
        404: json(ofrepFlagNotFoundSchema, 'No such flag (for this key)'),
        ...authResponses,
        500: internal,
      },
    }),
    async (c) => {
      const key = c.req.param('key');
      const { feed, audience } = await sdkFeed(deps, c.get('principal'));
      const request = await readRequest(c);
      if (!request.ok)
        return c.json({ key, errorCode: request.errorCode, errorDetails: request.errorDetails }, 400);
      await feed.refreshWithin(REMOTE_EVALUATION_STALENESS_MS);
      const result = toOfrepResult(evaluateFlag(feed, audience, key, request.context));
      if ('errorCode' in result) return c.json(result, result.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400);
      return c.json(result);
    },
  );

  app.post(
    '/evaluate/flags',
    describeRoute({
      summary: 'OFREP: evaluate every flag',
      description:
        'Called by OFREP client (web) providers, which cache the results and poll. Answers every flag the ' +
        'key may see; a flag whose evaluation failed is an `evaluationFailure` item. `ETag` identifies the ' +
        'result (environment revision, key audience and context): `If-None-Match` with it answers 304 ' +
        'until a revision changes it.',
      tags,
      security: [{ apiKey: [] }],
      parameters: [
        {
          in: 'header',
          name: 'If-None-Match',
          required: false,
          schema: { type: 'string' },
          description: 'The ETag of an earlier answer for the same context: 304 while it is current',
        },
      ],
      requestBody,
      responses: {
        200: {
          ...json(ofrepBulkSuccessSchema, 'Every flag, evaluated'),
          headers: { ETag: { description: 'Entity tag of this result', schema: { type: 'string' } } },
        },
        304: { description: 'Not modified: If-None-Match names the current result' },
        400: json(ofrepBulkFailureSchema, 'The request is invalid (not JSON, or an invalid context)'),
        ...authResponses,
        500: internal,
      },
    }),
    async (c) => {
      const { feed, audience } = await sdkFeed(deps, c.get('principal'));
      const request = await readRequest(c);
      if (!request.ok)
        return c.json({ errorCode: request.errorCode, errorDetails: request.errorDetails }, 400);
      await feed.refreshWithin(REMOTE_EVALUATION_STALENESS_MS);
      // From here to the response nothing awaits: the tag and the results are of one revision.
      const tag = evaluationTag(feed, audience, request.context, 'ofrep-bulk');
      c.header('ETag', tag);
      if (ifNoneMatches(c.req.header('If-None-Match'), tag)) return c.body(null, 304);
      return c.json({ flags: evaluateAll(feed, audience, request.context).map(toOfrepResult) });
    },
  );

  app.get(
    '/configuration',
    describeRoute({
      summary: 'OFREP: provider configuration',
      description:
        "OFREP's optional configuration extension: the system's name and capabilities (polling allowed, " +
        'at most once a second; every flag type supported). The OpenFeature JS OFREP providers do not ask ' +
        'for it.',
      tags,
      security: [{ apiKey: [] }],
      responses: {
        200: {
          ...json(ofrepConfigurationSchema, 'The configuration'),
          headers: { ETag: { description: 'Entity tag of the configuration', schema: { type: 'string' } } },
        },
        304: { description: 'Not modified' },
        ...authResponses,
        500: internal,
      },
    }),
    (c) => {
      c.header('ETag', configurationTag);
      if (ifNoneMatches(c.req.header('If-None-Match'), configurationTag)) return c.body(null, 304);
      return c.json(configuration);
    },
  );

  return app;
}
