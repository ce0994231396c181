import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/app-env.js';
import { jsonBody } from '../http/validate.js';
import type { Environment, Project, Store } from '../store/store.js';

/** Keys appear in URLs: lower-case letters, digits, `-`, `_`, `.`, starting with a letter or digit. */
export const keySchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    'must be 1-64 of a-z, 0-9, ".", "_", "-", starting with a letter or digit',
  );

const newProjectSchema = z.strictObject({ key: keySchema, name: z.string().trim().min(1).max(200) });

/** `/api/v1/projects` (admin keys; the auth middleware is applied by app.ts). */
export function projectRoutes(deps: { store: Store }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const projects = await deps.store.listProjects();
    const items = await Promise.all(
      projects.map(async (p) => projectJson(p, await deps.store.listEnvironments(p.id))),
    );
    return c.json({ items });
  });

  app.post('/', jsonBody(newProjectSchema), async (c) => {
    const project = await deps.store.createProject(c.req.valid('json'));
    c.header('Location', `/api/v1/projects/${project.key}`);
    return c.json(projectJson(project, []), 201);
  });

  return app;
}

function projectJson(project: Project, environments: Environment[]) {
  return {
    key: project.key,
    name: project.name,
    createdAt: project.createdAt.toISOString(),
    environments: environments.map((e) => ({ key: e.key, name: e.name, revision: e.revision })),
  };
}
