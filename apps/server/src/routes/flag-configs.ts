import type { Flag } from '@ensign/core';
import { flagShapeSchema, serveSchema } from '@ensign/core/schema';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/app-env.js';
import { etag, ifMatchVersion, requiredIfMatch } from '../http/if-match.js';
import { route } from '../http/openapi.js';
import { flagConfigSchema } from '../http/response-schemas.js';
import { jsonBody } from '../http/validate.js';
import { writeContext } from '../http/write-context.js';
import {
  type ConfigDocument,
  editTargets,
  replaceConfig,
  revert,
  setFallthrough,
  setRuleServe,
  toggle,
} from '../services/flag-configs.js';
import { requireEnvironment, requireFlag, requireFlagConfig, requireProject } from '../services/lookup.js';
import type { Store } from '../store/store.js';
import { versionSchema } from './params.js';
import { addRevisionRoutes } from './revision-routes.js';

/** A PUT body: the config as read, where `key` and `version` may be left out. */
const configBodySchema = z.strictObject({
  ...flagShapeSchema.shape,
  key: flagShapeSchema.shape.key.optional(),
  version: flagShapeSchema.shape.version.optional(),
});
const toggleSchema = z.strictObject({ on: z.boolean() });
const targetsSchema = z
  .strictObject({
    variation: z.int().min(0),
    add: z.array(z.string().min(1).max(256)).max(10_000).optional(),
    remove: z.array(z.string().min(1).max(256)).max(10_000).optional(),
  })
  .refine((b) => (b.add?.length ?? 0) + (b.remove?.length ?? 0) > 0, {
    message: 'add or remove at least one key',
    path: ['add'],
  });
const revertSchema = z.strictObject({ version: versionSchema });

const tags = ['Flag configs'];
const missing = 'No such project, environment or flag';
const edit = (
  summary: string,
  extra: Record<number, string> = {},
  description = 'If-Match (the config ETag) is optional: without it the edit applies to the current config.',
) =>
  route({
    summary,
    description,
    tags,
    ok: flagConfigSchema,
    etag: true,
    errors: {
      404: missing,
      409: 'The flag is archived',
      412: 'If-Match is stale',
      422: 'Invalid body',
      ...extra,
    },
  });

/**
 * `/api/v1/projects/:project/environments/:env/flags`: a flag's config in one environment, its
 * small edits and its revisions (admin keys; auth is applied by app.ts).
 */
export function flagConfigRoutes(deps: { store: Store }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;

  /** The project, environment and flag definition named by the URL, or 404. */
  async function target(c: Context<AppEnv>) {
    const project = await requireProject(store, c.req.param('project') ?? '');
    const env = await requireEnvironment(store, project, c.req.param('env') ?? '');
    const flag = await requireFlag(store, project, c.req.param('flag') ?? '');
    return { project, env, flag };
  }

  function sendConfig(c: Context<AppEnv>, config: Flag) {
    c.header('ETag', etag(config.version));
    return c.json(config);
  }

  app.get(
    '/:flag',
    route({
      summary: "Read a flag's config in an environment",
      tags,
      ok: flagConfigSchema,
      etag: true,
      errors: { 404: missing },
    }),
    async (c) => {
      const { env, flag } = await target(c);
      return sendConfig(c, await requireFlagConfig(store, env, flag.key));
    },
  );

  app.put(
    '/:flag',
    edit(
      "Replace a flag's config in an environment",
      { 422: 'Invalid config, naming the field', 428: 'If-Match is missing' },
      'Needs If-Match with the ETag you read (428 without, 412 when stale). The body is the whole config ' +
        "(docs/evaluation.md); type and variations must equal the definition's.",
    ),
    jsonBody(configBodySchema),
    async (c) => {
      const { env, flag } = await target(c);
      const ifVersion = requiredIfMatch(c);
      const body = c.req.valid('json') as ConfigDocument;
      return sendConfig(c, await replaceConfig(store, env, flag, body, ifVersion, writeContext(c)));
    },
  );

  app.post(
    '/:flag/toggle',
    edit('Turn a flag on or off (the kill switch)'),
    jsonBody(toggleSchema),
    async (c) => {
      const { env, flag } = await target(c);
      const { on } = c.req.valid('json');
      return sendConfig(c, await toggle(store, env, flag, on, ifMatchVersion(c), writeContext(c)));
    },
  );

  app.put(
    '/:flag/fallthrough',
    edit('Set what contexts matching no target or rule get: a variation, a percentage rollout or weights'),
    jsonBody(serveSchema),
    async (c) => {
      const { env, flag } = await target(c);
      return sendConfig(
        c,
        await setFallthrough(store, env, flag, c.req.valid('json'), ifMatchVersion(c), writeContext(c)),
      );
    },
  );

  app.put(
    '/:flag/rules/:rule/serve',
    edit('Set what one rule serves: a variation, a percentage rollout or weights', {
      404: `${missing}, or no such rule`,
    }),
    jsonBody(serveSchema),
    async (c) => {
      const { env, flag } = await target(c);
      const serve = c.req.valid('json');
      return sendConfig(
        c,
        await setRuleServe(store, env, flag, c.req.param('rule'), serve, ifMatchVersion(c), writeContext(c)),
      );
    },
  );

  app.post(
    '/:flag/targets',
    edit('Add or remove individually targeted context keys'),
    jsonBody(targetsSchema),
    async (c) => {
      const { env, flag } = await target(c);
      const body = c.req.valid('json');
      const change = {
        variation: body.variation,
        ...(body.add !== undefined && { add: body.add }),
        ...(body.remove !== undefined && { remove: body.remove }),
      };
      return sendConfig(c, await editTargets(store, env, flag, change, ifMatchVersion(c), writeContext(c)));
    },
  );

  app.post(
    '/:flag/revert',
    edit('Restore the config an earlier version had, as a new revision'),
    jsonBody(revertSchema),
    async (c) => {
      const { env, flag } = await target(c);
      const { version: to } = c.req.valid('json');
      return sendConfig(c, await revert(store, env, flag, to, ifMatchVersion(c), writeContext(c)));
    },
  );

  addRevisionRoutes(app, {
    store,
    kind: 'flag_config',
    param: 'flag',
    noun: 'flag config',
    tags,
    resolve: async (c) => {
      const { env, flag } = await target(c);
      return { env, key: flag.key };
    },
  });

  return app;
}
