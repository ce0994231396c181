import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { StreamHub } from '../../delivery/stream-hub.js';
import { ApiError } from '../../http/api-error.js';
import type { AppEnv } from '../../http/app-env.js';
import { errorHandler, notFoundHandler } from '../../http/error-handler.js';
import { createLogger } from '../../logger.js';
import { createServerMetrics } from '../../metrics/server-metrics.js';
import { httpMetrics } from './index.js';

function setup() {
  const metrics = createServerMetrics({} as StreamHub);
  const app = new Hono<AppEnv>();
  app.use(httpMetrics(metrics));
  const api = new Hono<AppEnv>();
  api.use(async (c, next) => {
    if (c.req.header('Authorization') === undefined) throw new ApiError(401, 'unauthorized', 'no key');
    await next();
  });
  api.get('/projects/:project', (c) => c.json({ key: c.req.param('project') }));
  api.post('/projects/:project/boom', () => {
    throw new Error('bug');
  });
  app.route('/api/v1', api);
  app.get('/livez', (c) => c.text('ok'));
  app.notFound(notFoundHandler);
  app.onError(errorHandler(createLogger({ level: 'error', write: () => {} })));
  const counts = async () =>
    Object.fromEntries(
      (await metrics.httpRequests.get()).values.map((v) => [
        `${v.labels.method} ${v.labels.route} ${v.labels.status}`,
        v.value,
      ]),
    );
  return { app, counts };
}

describe('httpMetrics', () => {
  it('counts by method, route pattern (never the raw path) and status class', async () => {
    const { app, counts } = setup();
    const key = { headers: { Authorization: 'Bearer x' } };
    await app.request('/api/v1/projects/a', key);
    await app.request('/api/v1/projects/b', key);
    await app.request('/api/v1/projects/c'); // refused by the middleware
    await app.request('/api/v1/projects/c/boom', { method: 'POST', ...key });
    await app.request('/api/v1/nothing/here', key);
    await app.request('/nothing/at/all');
    await app.request('/livez', { method: 'BREW' });
    await app.request('/livez');
    expect(await counts()).toEqual({
      'GET /api/v1/projects/:project 2xx': 2,
      'GET /api/v1/* 4xx': 2,
      'POST /api/v1/projects/:project/boom 5xx': 1,
      'GET /* 4xx': 1,
      'OTHER /* 4xx': 1,
      'GET /livez 2xx': 1,
    });
  });
});
