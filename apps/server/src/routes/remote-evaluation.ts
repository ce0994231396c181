import type { Context } from '@ensign/core';
import { jsonValueSchema } from '@ensign/core/schema';
import { Hono } from 'hono';
import { z } from 'zod';
import type { StreamHub } from '../delivery/stream-hub.js';
import type { AppEnv } from '../http/app-env.js';
import { ifNoneMatches } from '../http/if-none-match.js';
import { route } from '../http/openapi.js';
import { jsonBody } from '../http/validate.js';
import { evaluateAll, evaluationTag, type RemoteEvaluation } from '../services/remote-evaluation.js';
import type { Store } from '../store/store.js';
import { REMOTE_EVALUATION_STALENESS_MS, sdkFeed } from './sdk.js';

const tags = ['SDK'];

const bodySchema = z.object({
  context: z
    .looseObject({
      key: z.string().optional().meta({ description: 'Identifies the context for targets and rollouts' }),
    })
    .meta({ description: 'The context (docs/evaluation.md §1): `key` and any attributes' }),
});

const reasonSchema = z
  .object({
    kind: z.enum(['OFF', 'TARGET_MATCH', 'RULE_MATCH', 'PREREQUISITE_FAILED', 'FALLTHROUGH', 'ERROR']),
    ruleIndex: z.int().optional(),
    ruleId: z.string().optional(),
    inRollout: z.boolean().optional(),
    prerequisiteKey: z.string().optional().meta({
      description: 'Left out for client keys when it names a flag that is not client-side',
    }),
    errorKind: z
      .enum([
        'FLAG_NOT_FOUND',
        'MALFORMED_FLAG',
        'WRONG_TYPE',
        'INVALID_CONTEXT',
        'TARGETING_KEY_MISSING',
        'CLIENT_NOT_READY',
        'EXCEPTION',
      ])
      .optional(),
    message: z.string().optional(),
  })
  .meta({ id: 'EvaluationReason', description: 'Why the value was served (docs/evaluation.md §3)' });

const responseSchema = z
  .object({
    revision: z.int().meta({ description: 'The environment revision the flags were evaluated at' }),
    flags: z.array(
      z.object({
        key: z.string(),
        value: jsonValueSchema.meta({ description: 'The served value; null on ERROR (serve your default)' }),
        variation: z.int().optional().meta({ description: 'Index into the variations; absent on ERROR' }),
        reason: reasonSchema,
        flagVersion: z.int().optional(),
      }),
    ),
  })
  .meta({ id: 'RemoteEvaluationResult' });

/** The wire form of one result, members in a fixed order. */
function toJson(r: RemoteEvaluation) {
  return { key: r.key, value: r.value, variation: r.variation, reason: r.reason, flagVersion: r.flagVersion };
}

/**
 * `POST /sdk/v1/evaluate`: every flag the key may see, evaluated on the server for one context
 * (docs/protocol.md, "Remote evaluation and OFREP"). For SDKs that cannot or should not hold
 * the rules: thin clients, edge functions, other languages.
 */
export function remoteEvaluationRoutes(deps: { store: Store; hub: StreamHub }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post(
    '/evaluate',
    route({
      summary: 'Evaluate every flag for one context',
      description:
        'Body `{ "context": { "key"?, …attributes } }`. Answers each flag the key may see (client keys: ' +
        'client-side flags only) with its value, variation, reason and version, and the environment ' +
        'revision. `ETag` identifies the result (revision, key audience and context); send it back in ' +
        '`If-None-Match` to get 304 while nothing changed. See docs/protocol.md.',
      tags,
      ok: responseSchema,
      errors: { 422: 'Invalid body, naming the field' },
    }),
    jsonBody(bodySchema),
    async (c) => {
      const { feed, audience } = await sdkFeed(deps, c.get('principal'));
      const context = c.req.valid('json').context as Context;
      await feed.refreshWithin(REMOTE_EVALUATION_STALENESS_MS);
      // From here to the response nothing awaits: the tag, the revision and the results are of one revision.
      const tag = evaluationTag(feed, audience, context, 'sdk-evaluate');
      c.header('ETag', tag);
      if (ifNoneMatches(c.req.header('If-None-Match'), tag)) return c.body(null, 304);
      return c.json({ revision: feed.revision, flags: evaluateAll(feed, audience, context).map(toJson) });
    },
  );

  return app;
}
