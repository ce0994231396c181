/**
 * History routes shared by flag configs and segments: `/:key/revisions`, `/:key/revisions/:version`
 * and `/:key/diff?from=&to=`. The caller says how a URL resolves to an environment and key.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '../http/api-error.js';
import type { AppEnv } from '../http/app-env.js';
import { route } from '../http/openapi.js';
import { diffSchema, revisionPageSchema, revisionSchema } from '../http/response-schemas.js';
import { queryParams } from '../http/validate.js';
import {
  diffRevisions,
  type EnvironmentEntityKind,
  listEntityRevisions,
  requireRevision,
} from '../services/revisions.js';
import type { Environment, Revision, Store } from '../store/store.js';
import { pageQuerySchema, versionSchema } from './params.js';

const diffQuerySchema = z.object({
  from: z.coerce.number().pipe(versionSchema),
  to: z.coerce.number().pipe(versionSchema).optional().meta({ description: 'Default: the current version' }),
});

export function addRevisionRoutes(
  app: Hono<AppEnv>,
  options: {
    store: Store;
    kind: EnvironmentEntityKind;
    /** The route parameter naming the entity (`:flag`, `:segment`). */
    param: string;
    noun: string;
    tags: string[];
    /** The environment and entity key the URL names (404s for unknown ones). */
    resolve: (c: Context<AppEnv>) => Promise<{ env: Environment; key: string }>;
  },
): void {
  const { store, kind, param, noun, tags, resolve } = options;
  const missing = { 404: `No such project, environment, ${noun} or version` };

  app.get(
    `/:${param}/revisions`,
    route({
      summary: `List a ${noun}'s revisions, newest first`,
      tags,
      ok: revisionPageSchema,
      errors: { ...missing, 400: 'Invalid query' },
    }),
    queryParams(pageQuerySchema),
    async (c) => {
      const { env, key } = await resolve(c);
      const { limit, before } = c.req.valid('query');
      const items = await listEntityRevisions(store, env, kind, key, {
        limit,
        ...(before !== undefined && { beforeVersion: before }),
      });
      const last = items.at(-1);
      return c.json({
        items: items.map(revisionJson),
        next:
          items.length === limit && last !== undefined && last.version > 1 ? { before: last.version } : null,
      });
    },
  );

  app.get(
    `/:${param}/revisions/:version`,
    route({
      summary: `Show one revision of a ${noun}, with the document before it`,
      tags,
      ok: revisionSchema,
      errors: missing,
    }),
    async (c) => {
      const { env, key } = await resolve(c);
      const parsed = versionSchema.safeParse(Number(c.req.param('version')));
      if (!parsed.success) throw new ApiError(404, 'not_found', `no revision "${c.req.param('version')}"`);
      const revision = await requireRevision(store, env, kind, key, parsed.data);
      return c.json({ ...revisionJson(revision), before: revision.before });
    },
  );

  app.get(
    `/:${param}/diff`,
    route({
      summary: `Diff two versions of a ${noun} (RFC 6902 JSON Patch)`,
      tags,
      ok: diffSchema,
      errors: { ...missing, 400: 'Invalid query' },
    }),
    queryParams(diffQuerySchema),
    async (c) => {
      const { env, key } = await resolve(c);
      const { from, to } = c.req.valid('query');
      return c.json(await diffRevisions(store, env, kind, key, from, to));
    },
  );
}

export function revisionJson(revision: Revision) {
  return {
    version: revision.version,
    environmentRevision: revision.environmentRevision,
    actor: revision.actor,
    comment: revision.comment,
    createdAt: revision.createdAt.toISOString(),
    document: revision.after,
  };
}
