import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/app-env.js';
import { jsonBody } from '../http/validate.js';
import { writeContext } from '../http/write-context.js';
import {
  configSummaries,
  createFlag,
  definitionJson,
  requireFlag,
  requireProject,
} from '../services/flags.js';
import type { Store } from '../store/store.js';
import { keySchema } from './projects.js';

const newFlagSchema = z.strictObject({
  key: keySchema,
  name: z.string().trim().min(1).max(200),
  type: z.enum(['boolean', 'string', 'number', 'json']),
  variations: z.array(z.json()).min(1).max(100),
  description: z.string().max(2_000).optional(),
  tags: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
  owner: z.string().trim().min(1).max(200).nullable().optional(),
  temporary: z.boolean().optional(),
});

/** `/api/v1/projects/:project/flags`: flag definitions (admin keys; auth is applied by app.ts). */
export function flagRoutes(deps: { store: Store }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const project = await requireProject(deps.store, c.req.param('project') ?? '');
    const flags = await deps.store.listFlags(project.id);
    return c.json({ items: flags.map(definitionJson) });
  });

  app.post('/', jsonBody(newFlagSchema), async (c) => {
    const project = await requireProject(deps.store, c.req.param('project') ?? '');
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
    const { flag, configs } = await createFlag(deps.store, project, input, writeContext(c));
    c.header('Location', `/api/v1/projects/${project.key}/flags/${flag.key}`);
    return c.json(
      {
        ...definitionJson(flag),
        environments: configs.map(({ environment, config }) => ({
          environment: environment.key,
          on: config.on,
          version: config.version,
        })),
      },
      201,
    );
  });

  app.get('/:flag', async (c) => {
    const project = await requireProject(deps.store, c.req.param('project') ?? '');
    const flag = await requireFlag(deps.store, project, c.req.param('flag'));
    return c.json({
      ...definitionJson(flag),
      environments: await configSummaries(deps.store, project, flag.key),
    });
  });

  return app;
}
