import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '../http/api-error.js';
import type { AppEnv } from '../http/app-env.js';
import { route } from '../http/openapi.js';
import { apiKeySchema, createdApiKeySchema, listOf } from '../http/response-schemas.js';
import { jsonBody } from '../http/validate.js';
import { createApiKey } from '../services/api-keys.js';
import { requireEnvironment, requireProject } from '../services/lookup.js';
import type { ApiKeyRecord, Store } from '../store/store.js';
import { keySchema, nameSchema } from './params.js';

const newKeySchema = z
  .strictObject({
    kind: z.enum(['admin', 'server', 'client']),
    name: nameSchema,
    project: keySchema.optional().meta({ description: 'SDK keys: the project of `environment`' }),
    environment: keySchema.optional().meta({ description: 'SDK keys: the one environment the key reads' }),
  })
  .superRefine((body, ctx) => {
    const scoped = body.kind !== 'admin';
    for (const field of ['project', 'environment'] as const) {
      if (scoped && body[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: `required for ${body.kind} SDK keys` });
      if (!scoped && body[field] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'admin keys are not scoped to an environment',
        });
    }
  });

const tags = ['API keys'];

/** `/api/v1/api-keys`: create, list and revoke keys (admin keys). Secrets are shown once. */
export function apiKeyRoutes(deps: { store: Store }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;

  /** Environment id → "project/environment" keys, for listing. */
  async function scopes(): Promise<Map<number, { project: string; environment: string }>> {
    const result = new Map<number, { project: string; environment: string }>();
    for (const project of await store.listProjects())
      for (const env of await store.listEnvironments(project.id))
        result.set(env.id, { project: project.key, environment: env.key });
    return result;
  }

  function keyJson(key: ApiKeyRecord, scope: Map<number, { project: string; environment: string }>) {
    const where = key.environmentId === null ? undefined : scope.get(key.environmentId);
    return {
      id: key.id,
      kind: key.kind,
      name: key.name,
      prefix: key.prefix,
      project: where?.project ?? null,
      environment: where?.environment ?? null,
      createdAt: key.createdAt.toISOString(),
      revokedAt: key.revokedAt?.toISOString() ?? null,
    };
  }

  async function requireKeyRecord(raw: string): Promise<ApiKeyRecord> {
    const id = /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined;
    const key = id === undefined ? undefined : await store.getApiKey(id);
    if (key === undefined) throw new ApiError(404, 'not_found', `API key "${raw}" does not exist`);
    return key;
  }

  app.get(
    '/',
    route({ summary: 'List API keys (never their secrets)', tags, ok: listOf(apiKeySchema) }),
    async (c) => {
      const scope = await scopes();
      return c.json({ items: (await store.listApiKeys()).map((k) => keyJson(k, scope)) });
    },
  );

  app.post(
    '/',
    route({
      summary: 'Create an API key',
      description: 'The response holds the secret: it is shown once and only its hash is stored.',
      tags,
      ok: createdApiKeySchema,
      status: 201,
      errors: { 404: 'No such project or environment', 422: 'Invalid body' },
    }),
    jsonBody(newKeySchema),
    async (c) => {
      const body = c.req.valid('json');
      let environmentId: number | null = null;
      if (body.kind !== 'admin') {
        const project = await requireProject(store, body.project ?? '');
        environmentId = (await requireEnvironment(store, project, body.environment ?? '')).id;
      }
      const { record, secret } = await createApiKey(store, {
        kind: body.kind,
        name: body.name,
        environmentId,
      });
      c.header('Location', `/api/v1/api-keys/${record.id}`);
      c.header('Cache-Control', 'no-store');
      return c.json({ ...keyJson(record, await scopes()), secret }, 201);
    },
  );

  app.get(
    '/:id',
    route({ summary: 'Show an API key', tags, ok: apiKeySchema, errors: { 404: 'No such key' } }),
    async (c) => {
      return c.json(keyJson(await requireKeyRecord(c.req.param('id')), await scopes()));
    },
  );

  app.delete(
    '/:id',
    route({
      summary: 'Revoke an API key',
      description:
        'Takes effect on the next request. Revoking a revoked key changes nothing. The last active admin key cannot be revoked (409).',
      tags,
      ok: apiKeySchema,
      errors: { 404: 'No such key', 409: 'The last active admin key' },
    }),
    async (c) => {
      const key = await requireKeyRecord(c.req.param('id'));
      return c.json(keyJson(await store.revokeApiKey(key.id), await scopes()));
    },
  );

  return app;
}
