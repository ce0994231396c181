import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/app-env.js';
import { etag, ifMatchVersion } from '../http/if-match.js';
import { route } from '../http/openapi.js';
import {
  flagConfigSchema,
  flagDefinitionSchema,
  flagWithEnvironmentsSchema,
  listOf,
} from '../http/response-schemas.js';
import { jsonBody, queryParams } from '../http/validate.js';
import { writeContext } from '../http/write-context.js';
import { promote } from '../services/flag-configs.js';
import {
  configSummaries,
  createFlag,
  definitionJson,
  updateDefinition,
} from '../services/flag-definitions.js';
import { requireEnvironment, requireFlag, requireProject } from '../services/lookup.js';
import type { FlagDefinition, Store } from '../store/store.js';
import { keySchema, nameSchema } from './params.js';

const descriptionSchema = z.string().max(2_000);
const tagsSchema = z.array(z.string().trim().min(1).max(64)).max(50);
const ownerSchema = z.string().trim().min(1).max(200).nullable();

const newFlagSchema = z.strictObject({
  key: keySchema,
  name: nameSchema,
  type: z.enum(['boolean', 'string', 'number', 'json']),
  variations: z.array(z.json()).min(1).max(100),
  description: descriptionSchema.optional(),
  tags: tagsSchema.optional(),
  owner: ownerSchema.optional(),
  temporary: z.boolean().optional(),
});

const updateFlagSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    tags: tagsSchema.optional(),
    owner: ownerSchema.optional(),
    temporary: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'change at least one field');

const listQuerySchema = z.object({
  archived: z.enum(['false', 'true', 'all']).default('false').meta({ description: 'Which flags to list' }),
  tag: z.string().optional().meta({ description: 'Only flags with this tag' }),
});

const promoteSchema = z.strictObject({ from: keySchema, to: keySchema });
const tags = ['Flags'];
const missing = { 404: 'No such project or flag' };

/** `/api/v1/projects/:project/flags`: flag definitions (admin keys; auth is applied by app.ts). */
export function flagRoutes(deps: { store: Store }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;

  app.get(
    '/',
    route({
      summary: 'List flag definitions',
      tags,
      ok: listOf(flagDefinitionSchema),
      errors: { 404: 'No such project', 400: 'Invalid query' },
    }),
    queryParams(listQuerySchema),
    async (c) => {
      const project = await requireProject(store, c.req.param('project') ?? '');
      const { archived, tag } = c.req.valid('query');
      const flags = (await store.listFlags(project.id)).filter(
        (f) =>
          (archived === 'all' || (f.archivedAt !== null) === (archived === 'true')) &&
          (tag === undefined || f.tags.includes(tag)),
      );
      return c.json({ items: flags.map(definitionJson) });
    },
  );

  app.post(
    '/',
    route({
      summary: 'Create a flag',
      description: 'Creates the definition and an OFF config in every environment, in one transaction.',
      tags,
      ok: flagWithEnvironmentsSchema,
      status: 201,
      errors: {
        404: 'No such project',
        409: 'The key is taken',
        422: 'Invalid body (e.g. variations of the wrong type)',
      },
    }),
    jsonBody(newFlagSchema),
    async (c) => {
      const project = await requireProject(store, c.req.param('project') ?? '');
      const body = c.req.valid('json');
      const input = {
        key: body.key,
        name: body.name,
        type: body.type,
        variations: body.variations,
        ...(body.description !== undefined && { description: body.description }),
        ...(body.tags !== undefined && { tags: body.tags }),
        ...(body.owner !== undefined && { owner: body.owner }),
        ...(body.temporary !== undefined && { temporary: body.temporary }),
      };
      const { flag, configs } = await createFlag(store, project, input, writeContext(c));
      c.header('Location', `/api/v1/projects/${project.key}/flags/${flag.key}`);
      c.header('ETag', etag(flag.version));
      return c.json(
        {
          ...definitionJson(flag),
          environments: configs.map(({ environment, config }) => ({
            environment: environment.key,
            on: config.on,
            version: config.version,
            environmentRevision: environment.revision,
          })),
        },
        201,
      );
    },
  );

  app.get(
    '/:flag',
    route({
      summary: 'Show a flag with its state per environment',
      tags,
      ok: flagWithEnvironmentsSchema,
      etag: true,
      errors: missing,
    }),
    async (c) => {
      const project = await requireProject(store, c.req.param('project') ?? '');
      const flag = await requireFlag(store, project, c.req.param('flag'));
      c.header('ETag', etag(flag.version));
      return c.json({
        ...definitionJson(flag),
        environments: await configSummaries(store, project, flag.key),
      });
    },
  );

  const sendDefinition = (c: Context<AppEnv>, flag: FlagDefinition) => {
    c.header('ETag', etag(flag.version));
    return c.json(definitionJson(flag));
  };

  app.patch(
    '/:flag',
    route({
      summary: "Change a flag's name, description, tags, owner or lifetime",
      description: 'Type and variations cannot change. If-Match (the definition ETag) is optional.',
      tags,
      ok: flagDefinitionSchema,
      etag: true,
      errors: { ...missing, 412: 'If-Match is stale', 422: 'Invalid body' },
    }),
    jsonBody(updateFlagSchema),
    async (c) => {
      const project = await requireProject(store, c.req.param('project') ?? '');
      const body = c.req.valid('json');
      const update = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      const flag = await updateDefinition(
        store,
        project,
        c.req.param('flag'),
        update,
        ifMatchVersion(c),
        writeContext(c),
      );
      return sendDefinition(c, flag);
    },
  );

  for (const [action, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    app.post(
      `/:flag/${action}`,
      route({
        summary: archived ? 'Archive a flag' : 'Restore an archived flag',
        description: archived
          ? 'SDKs stop receiving it (they serve their defaults) and its configs can no longer change; history is kept.'
          : 'SDKs receive it again with the config it had.',
        tags,
        ok: flagDefinitionSchema,
        etag: true,
        errors: { ...missing, 412: 'If-Match is stale' },
      }),
      async (c) => {
        const project = await requireProject(store, c.req.param('project') ?? '');
        const flag = await updateDefinition(
          store,
          project,
          c.req.param('flag'),
          { archived },
          ifMatchVersion(c),
          writeContext(c),
        );
        return sendDefinition(c, flag);
      },
    );
  }

  app.post(
    '/:flag/promote',
    route({
      summary: "Copy a flag's config from one environment to another",
      description:
        'The target gets a new revision equal to the source config. If-Match guards the target config. ' +
        'Every segment the config uses must exist in the target (422 `missing_segments` otherwise).',
      tags,
      ok: flagConfigSchema,
      etag: true,
      errors: {
        404: 'No such project, flag or environment',
        409: 'The flag is archived',
        412: 'If-Match is stale',
        422: 'Invalid body or missing segments',
      },
    }),
    jsonBody(promoteSchema),
    async (c) => {
      const project = await requireProject(store, c.req.param('project') ?? '');
      const flag = await requireFlag(store, project, c.req.param('flag'));
      const body = c.req.valid('json');
      const from = await requireEnvironment(store, project, body.from);
      const to = await requireEnvironment(store, project, body.to);
      const { config } = await promote(store, project, flag, from, to, ifMatchVersion(c), writeContext(c));
      c.header('ETag', etag(config.version));
      return c.json(config);
    },
  );

  return app;
}
