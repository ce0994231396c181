import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/app-env.js';
import { route } from '../http/openapi.js';
import { queryParams } from '../http/validate.js';
import { flagUsageReport } from '../services/flag-usage.js';
import { requireEnvironment, requireProject } from '../services/lookup.js';
import { propagation } from '../services/propagation.js';
import { usageRetentionMs } from '../services/telemetry.js';
import type { Store } from '../store/store.js';
import { keySchema } from './params.js';

const tags = ['Telemetry'];
const timestamp = z.iso.datetime();
const maxUsageHours = usageRetentionMs / 3_600_000;

const propagationQuerySchema = z.object({
  window: z.coerce
    .number()
    .pipe(z.int().min(1).max(86_400))
    .default(60)
    .meta({ description: 'Count instances seen within this many seconds (default 60)' }),
  kind: z
    .enum(['server', 'client'])
    .optional()
    .meta({ description: 'Only instances reporting with this kind of SDK key (default: both)' }),
  limit: z.coerce
    .number()
    .pipe(z.int().min(0).max(1_000))
    .default(100)
    .meta({ description: 'List at most this many lagging instances (default 100)' }),
});

const sdkInstanceSchema = z.object({
  instanceId: z.string(),
  sdk: z.object({ name: z.string(), version: z.string() }),
  kind: z.enum(['server', 'client']),
  revision: z.int(),
  lastSeen: timestamp,
});

const propagationSchema = z
  .object({
    environment: z.string(),
    revision: z.int().meta({ description: "The environment's current revision" }),
    window: z.int().meta({ description: 'Seconds: instances seen this recently are counted' }),
    instances: z.object({
      seen: z.int(),
      current: z.int().meta({ description: 'Seen instances holding `revision` or a newer one' }),
      lagging: z.array(sdkInstanceSchema).meta({
        description: 'Seen instances holding an older revision: oldest revision first, at most `limit`',
      }),
    }),
    summary: z
      .string()
      .meta({ example: 'revision 42: held by 310 of 310 instances seen in the last minute' }),
  })
  .meta({ id: 'Propagation' });

const usageQuerySchema = z.object({
  flag: keySchema.optional().meta({ description: 'Only this flag (default: every flag)' }),
  hours: z.coerce
    .number()
    .pipe(z.int().min(1).max(maxUsageHours))
    .default(24)
    .meta({
      description: `The last this many hours, the current one included (default 24, at most ${maxUsageHours})`,
    }),
});

const countsSchema = z.record(z.string(), z.int()).meta({
  description: 'Evaluations per variation index, and "default" for those that served the caller\'s default',
  example: { '0': 1200, '1': 3 },
});

const flagUsageSchema = z
  .object({
    environment: z.string(),
    from: timestamp.meta({ description: 'The start of the first hour' }),
    flags: z.array(
      z.object({
        key: z.string(),
        defined: z
          .boolean()
          .meta({ description: 'False for keys SDKs evaluated that the project does not define' }),
        lastEvaluated: timestamp
          .nullable()
          .meta({ description: 'Ever, not only in the period; null = never' }),
        total: z.int().meta({ description: 'Evaluations in the period' }),
        hours: z.array(z.object({ hour: timestamp, counts: countsSchema })).meta({
          description: 'Hours with evaluations, oldest first',
        }),
      }),
    ),
  })
  .meta({ id: 'FlagUsage' });

/**
 * `/api/v1/projects/:project/environments/:env/propagation`: has the current revision reached the
 * SDKs (admin keys)? From the revision each SDK instance last reported (POST /sdk/v1/telemetry).
 */
export function propagationRoutes(deps: { store: Store }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;

  app.get(
    '/',
    route({
      summary: 'How many SDK instances hold the current revision',
      description:
        'Counts the SDK instances that reported within `window` seconds, and those of them holding the ' +
        "environment's current revision or a newer one; lists the others. An instance reports every 10–30 s " +
        'and right after applying a revision, so a change shows as propagated within seconds.',
      tags,
      ok: propagationSchema,
      errors: { 400: 'Invalid query', 404: 'No such project or environment' },
    }),
    queryParams(propagationQuerySchema),
    async (c) => {
      const project = await requireProject(store, c.req.param('project') ?? '');
      const env = await requireEnvironment(store, project, c.req.param('env') ?? '');
      const q = c.req.valid('query');
      const p = await propagation(store, env, {
        windowSeconds: q.window,
        laggingLimit: q.limit,
        now: new Date(),
        ...(q.kind !== undefined && { keyKind: q.kind }),
      });
      c.header('Cache-Control', 'no-store');
      return c.json({
        environment: env.key,
        revision: p.revision,
        window: p.windowSeconds,
        instances: {
          seen: p.seen,
          current: p.current,
          lagging: p.lagging.map((i) => ({
            instanceId: i.instanceId,
            sdk: i.sdk,
            kind: i.keyKind,
            revision: i.revision,
            lastSeen: i.lastSeenAt.toISOString(),
          })),
        },
        summary: p.summary,
      });
    },
  );

  return app;
}

/**
 * `/api/v1/projects/:project/environments/:env/usage`: hourly evaluation counts per flag and
 * variation, and when each flag was last evaluated (admin keys).
 */
export function usageRoutes(deps: { store: Store }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;

  app.get(
    '/',
    route({
      summary: 'Flag usage: hourly evaluations per variation, and the last evaluation',
      description:
        'Every flag the project defines and every key SDKs reported in this environment, or only `flag`. ' +
        'Counts come from SDK telemetry; hourly counts are kept 90 days.',
      tags,
      ok: flagUsageSchema,
      errors: {
        400: 'Invalid query',
        404: 'No such project or environment, or a `flag` neither defined nor ever reported',
      },
    }),
    queryParams(usageQuerySchema),
    async (c) => {
      const project = await requireProject(store, c.req.param('project') ?? '');
      const env = await requireEnvironment(store, project, c.req.param('env') ?? '');
      const q = c.req.valid('query');
      const report = await flagUsageReport(store, project, env, {
        hours: q.hours,
        now: new Date(),
        ...(q.flag !== undefined && { flagKey: q.flag }),
      });
      c.header('Cache-Control', 'no-store');
      return c.json({
        environment: env.key,
        from: report.from.toISOString(),
        flags: report.flags.map((f) => ({
          key: f.key,
          defined: f.defined,
          lastEvaluated: f.lastEvaluated?.toISOString() ?? null,
          total: f.total,
          hours: f.hours.map((h) => ({ hour: h.hour.toISOString(), counts: h.counts })),
        })),
      });
    },
  );

  return app;
}
