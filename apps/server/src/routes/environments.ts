import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/app-env.js';
import { route } from '../http/openapi.js';
import { environmentSchema, listOf } from '../http/response-schemas.js';
import { jsonBody } from '../http/validate.js';
import { writeContext } from '../http/write-context.js';
import { createEnvironment, environmentJson } from '../services/environments.js';
import { requireEnvironment, requireProject } from '../services/lookup.js';
import type { Store } from '../store/store.js';
import { keySchema, nameSchema } from './params.js';

const newEnvironmentSchema = z.strictObject({ key: keySchema, name: nameSchema });
const tags = ['Environments'];

/** `/api/v1/projects/:project/environments` (admin keys). */
export function environmentRoutes(deps: { store: Store }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;

  app.get(
    '/',
    route({
      summary: "List a project's environments",
      tags,
      ok: listOf(environmentSchema),
      errors: { 404: 'No such project' },
    }),
    async (c) => {
      const project = await requireProject(store, c.req.param('project') ?? '');
      return c.json({ items: (await store.listEnvironments(project.id)).map(environmentJson) });
    },
  );

  app.post(
    '/',
    route({
      summary: 'Create an environment',
      description: "Every existing flag gets an OFF config in it, under the environment's first revision.",
      tags,
      ok: environmentSchema,
      status: 201,
      errors: { 404: 'No such project', 409: 'The key is taken', 422: 'Invalid body' },
    }),
    jsonBody(newEnvironmentSchema),
    async (c) => {
      const project = await requireProject(store, c.req.param('project') ?? '');
      const env = await createEnvironment(store, project, c.req.valid('json'), writeContext(c));
      c.header('Location', `/api/v1/projects/${project.key}/environments/${env.key}`);
      return c.json(environmentJson(env), 201);
    },
  );

  app.get(
    '/:env',
    route({
      summary: 'Show an environment and its revision',
      tags,
      ok: environmentSchema,
      errors: { 404: 'No such project or environment' },
    }),
    async (c) => {
      const project = await requireProject(store, c.req.param('project') ?? '');
      return c.json(environmentJson(await requireEnvironment(store, project, c.req.param('env'))));
    },
  );

  return app;
}
