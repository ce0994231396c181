import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/app-env.js';
import { route } from '../http/openapi.js';
import { auditEntrySchema } from '../http/response-schemas.js';
import { queryParams } from '../http/validate.js';
import { requireEnvironment, requireProject } from '../services/lookup.js';
import type { Store } from '../store/store.js';

const auditQuerySchema = z.object({
  environment: z.string().optional().meta({ description: 'Only changes in this environment (key)' }),
  kind: z.enum(['flag', 'flag_config', 'segment']).optional().meta({ description: 'flag = definitions' }),
  key: z.string().optional().meta({ description: 'Only changes of this flag or segment' }),
  actor: z.string().optional().meta({ description: "Only changes made with this API key's name" }),
  since: z.iso.datetime({ offset: true }).optional().meta({ description: 'ISO 8601, inclusive' }),
  until: z.iso.datetime({ offset: true }).optional().meta({ description: 'ISO 8601, exclusive' }),
  limit: z.coerce.number().pipe(z.int().min(1).max(100)).default(50),
  before: z.coerce
    .number()
    .pipe(z.int().min(1))
    .optional()
    .meta({ description: 'Cursor: `next.before` of the previous page' }),
});

const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  next: z.object({ before: z.int() }).nullable(),
});

/** `/api/v1/projects/:project/audit`: every change in a project, newest first, filtered (admin keys). */
export function auditRoutes(deps: { store: Store }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;

  app.get(
    '/',
    route({
      summary: 'The audit log: every change, newest first',
      description:
        'Each entry is one immutable revision: who, when, why, and the documents before and after.',
      tags: ['Audit'],
      ok: auditPageSchema,
      errors: { 400: 'Invalid query', 404: 'No such project or environment' },
    }),
    queryParams(auditQuerySchema),
    async (c) => {
      const project = await requireProject(store, c.req.param('project') ?? '');
      const q = c.req.valid('query');
      const envs = await store.listEnvironments(project.id);
      const envId =
        q.environment === undefined
          ? undefined
          : (await requireEnvironment(store, project, q.environment)).id;
      const items = await store.listRevisions({
        projectId: project.id,
        limit: q.limit,
        ...(envId !== undefined && { environmentId: envId }),
        ...(q.kind !== undefined && { entityKind: q.kind }),
        ...(q.key !== undefined && { entityKey: q.key }),
        ...(q.actor !== undefined && { actor: q.actor }),
        ...(q.since !== undefined && { since: new Date(q.since) }),
        ...(q.until !== undefined && { until: new Date(q.until) }),
        ...(q.before !== undefined && { beforeId: q.before }),
      });
      const envKeys = new Map(envs.map((e) => [e.id, e.key]));
      const last = items.at(-1);
      return c.json({
        items: items.map((r) => ({
          id: r.id,
          kind: r.entityKind,
          key: r.entityKey,
          environment: r.environmentId === null ? null : (envKeys.get(r.environmentId) ?? null),
          version: r.version,
          environmentRevision: r.environmentRevision,
          actor: r.actor,
          comment: r.comment,
          createdAt: r.createdAt.toISOString(),
          before: r.before,
          after: r.after,
        })),
        next: items.length === q.limit && last !== undefined ? { before: last.id } : null,
      });
    },
  );

  return app;
}
