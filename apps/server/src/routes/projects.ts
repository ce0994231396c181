import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/app-env.js';
import { route } from '../http/openapi.js';
import { listOf, projectSchema } from '../http/response-schemas.js';
import { jsonBody } from '../http/validate.js';
import { createProject, environmentJson } from '../services/environments.js';
import { requireProject } from '../services/lookup.js';
import type { Environment, Project, Store } from '../store/store.js';
import { keySchema, nameSchema } from './params.js';

const newProjectSchema = z.strictObject({
  key: keySchema,
  name: nameSchema,
  environments: z
    .array(z.strictObject({ key: keySchema, name: nameSchema }))
    .max(50)
    .refine((envs) => new Set(envs.map((e) => e.key)).size === envs.length, 'environment keys must be unique')
    .optional()
    .meta({ description: 'Default: development, staging, production' }),
});

const tags = ['Projects'];

/** `/api/v1/projects` (admin keys; the auth middleware is applied by app.ts). */
export function projectRoutes(deps: { store: Store }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;

  app.get(
    '/',
    route({ summary: 'List projects with their environments', tags, ok: listOf(projectSchema) }),
    async (c) => {
      const projects = await store.listProjects();
      const items = await Promise.all(
        projects.map(async (p) => projectJson(p, await store.listEnvironments(p.id))),
      );
      return c.json({ items });
    },
  );

  app.post(
    '/',
    route({
      summary: 'Create a project',
      tags,
      ok: projectSchema,
      status: 201,
      errors: { 409: 'The key is taken', 422: 'Invalid body' },
    }),
    jsonBody(newProjectSchema),
    async (c) => {
      const body = c.req.valid('json');
      const project = await createProject(store, {
        key: body.key,
        name: body.name,
        ...(body.environments !== undefined && { environments: body.environments }),
      });
      c.header('Location', `/api/v1/projects/${project.key}`);
      return c.json(projectJson(project, await store.listEnvironments(project.id)), 201);
    },
  );

  app.get(
    '/:project',
    route({ summary: 'Show a project', tags, ok: projectSchema, errors: { 404: 'No such project' } }),
    async (c) => {
      const project = await requireProject(store, c.req.param('project'));
      return c.json(projectJson(project, await store.listEnvironments(project.id)));
    },
  );

  return app;
}

function projectJson(project: Project, environments: Environment[]) {
  return {
    key: project.key,
    name: project.name,
    createdAt: project.createdAt.toISOString(),
    environments: environments.map(environmentJson),
  };
}
