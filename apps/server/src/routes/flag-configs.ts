import type { Flag } from '@ensign/core';
import { flagSchema, serveSchema } from '@ensign/core/schema';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '../http/api-error.js';
import type { AppEnv } from '../http/app-env.js';
import { etag, ifMatchVersion, requiredIfMatch } from '../http/if-match.js';
import { jsonBody } from '../http/validate.js';
import { writeContext } from '../http/write-context.js';
import {
  editTargets,
  getConfigRevision,
  listConfigRevisions,
  replaceConfig,
  requireEnvironment,
  requireFlag,
  requireFlagConfig,
  requireProject,
  revert,
  setFallthrough,
  toggle,
} from '../services/flags.js';
import type { Revision, Store } from '../store/store.js';

const version = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
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
const revertSchema = z.strictObject({ version });
const pageSchema = z.object({
  limit: z.coerce.number().pipe(z.int().min(1).max(100)).default(20),
  before: z.coerce.number().pipe(version).optional(),
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

  app.get('/:flag', async (c) => {
    const { env, flag } = await target(c);
    return sendConfig(c, await requireFlagConfig(store, env, flag.key));
  });

  app.put('/:flag', jsonBody(flagSchema), async (c) => {
    const { env, flag } = await target(c);
    const ifVersion = requiredIfMatch(c);
    return sendConfig(
      c,
      await replaceConfig(store, env, flag, c.req.valid('json'), ifVersion, writeContext(c)),
    );
  });

  app.post('/:flag/toggle', jsonBody(toggleSchema), async (c) => {
    const { env, flag } = await target(c);
    const { on } = c.req.valid('json');
    return sendConfig(c, await toggle(store, env, flag.key, on, ifMatchVersion(c), writeContext(c)));
  });

  app.put('/:flag/fallthrough', jsonBody(serveSchema), async (c) => {
    const { env, flag } = await target(c);
    const serve = c.req.valid('json');
    return sendConfig(
      c,
      await setFallthrough(store, env, flag.key, serve, ifMatchVersion(c), writeContext(c)),
    );
  });

  app.post('/:flag/targets', jsonBody(targetsSchema), async (c) => {
    const { env, flag } = await target(c);
    const body = c.req.valid('json');
    const edit = {
      variation: body.variation,
      ...(body.add !== undefined && { add: body.add }),
      ...(body.remove !== undefined && { remove: body.remove }),
    };
    return sendConfig(c, await editTargets(store, env, flag.key, edit, ifMatchVersion(c), writeContext(c)));
  });

  app.get('/:flag/revisions', async (c) => {
    const { env, flag } = await target(c);
    const parsed = pageSchema.safeParse(c.req.query());
    if (!parsed.success) {
      throw new ApiError(400, 'bad_request', 'Invalid query parameters', {
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      });
    }
    const { limit, before } = parsed.data;
    const items = await listConfigRevisions(store, env, flag.key, {
      limit,
      ...(before !== undefined && { beforeVersion: before }),
    });
    const last = items.at(-1);
    return c.json({
      items: items.map(revisionJson),
      next:
        items.length === limit && last !== undefined && last.version > 1 ? { before: last.version } : null,
    });
  });

  app.get('/:flag/revisions/:version', async (c) => {
    const { env, flag } = await target(c);
    const parsed = version.safeParse(Number(c.req.param('version')));
    if (!parsed.success) throw new ApiError(404, 'not_found', `no revision "${c.req.param('version')}"`);
    const revision = await getConfigRevision(store, env, flag.key, parsed.data);
    return c.json({ ...revisionJson(revision), before: revision.before });
  });

  app.post('/:flag/revert', jsonBody(revertSchema), async (c) => {
    const { env, flag } = await target(c);
    const { version: to } = c.req.valid('json');
    return sendConfig(c, await revert(store, env, flag, to, ifMatchVersion(c), writeContext(c)));
  });

  return app;
}

function revisionJson(revision: Revision) {
  return {
    version: revision.version,
    environmentRevision: revision.environmentRevision,
    actor: revision.actor,
    comment: revision.comment,
    createdAt: revision.createdAt.toISOString(),
    config: revision.after,
  };
}
