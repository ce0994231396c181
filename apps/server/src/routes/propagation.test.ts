import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import type { AppEnv } from '../http/app-env.js';
import { errorHandler, notFoundHandler } from '../http/error-handler.js';
import { createLifecycle } from '../lifecycle/lifecycle.js';
import { createLogger } from '../logger.js';
import { bootstrapIfEmpty, type CreatedKey } from '../services/bootstrap.js';
import { initialConfig } from '../services/flag-definitions.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Environment, Project, Store, TelemetryRecord } from '../store/store.js';
import { usageRoutes } from './propagation.js';

/** A response body, asserted field by field. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const json = async (res: Response): Promise<any> => res.json();

const logger = createLogger({ level: 'error', write: () => {} });
let store: Store;
let keys: CreatedKey[];
let project: Project;
let development: Environment;

beforeEach(async () => {
  store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  keys = (await bootstrapIfEmpty(store))!;
  project = (await store.getProject('default'))!;
  // Two flags: every environment is at revision 2.
  for (const key of ['checkout', 'never-used'])
    await store.createFlag(
      project.id,
      { key, name: key, type: 'boolean', variations: [true, false] },
      { actor: 'test' },
      initialConfig({ type: 'boolean', variations: [true, false] } as never),
    );
  development = (await store.getEnvironment(project.id, 'development'))!;
});

afterEach(() => store.close());

const admin = () => ({ Authorization: `Bearer ${keys.find((k) => k.name === 'admin')!.secret}` });

function seen(
  instanceId: string,
  revision: number,
  secondsAgo: number,
  extra: Partial<TelemetryRecord> = {},
) {
  const receivedAt = new Date(Date.now() - secondsAgo * 1000);
  return store.recordTelemetry({
    environmentId: development.id,
    instanceId,
    sdk: { name: '@ensign/sdk-node', version: '1.0.0' },
    revision,
    keyKind: 'server',
    receivedAt,
    hour: new Date(Math.floor(receivedAt.getTime() / 3_600_000) * 3_600_000),
    evaluatedAt: receivedAt,
    flags: [],
    ...extra,
  });
}

describe('GET …/environments/{env}/propagation', () => {
  let app: ReturnType<typeof createApp>;
  const get = (query = '', env = 'development') =>
    app.request(`/api/v1/projects/default/environments/${env}/propagation${query}`, { headers: admin() });

  beforeEach(async () => {
    app = createApp({ store, logger, lifecycle: createLifecycle('serving') });
    await seen('current-a', 2, 5);
    await seen('current-b', 3, 10); // newer than the environment (a restored backup): current
    await seen('lagging-old', 1, 20);
    await seen('lagging-new', 1, 2, { keyKind: 'client' });
    await seen('not-seen-lately', 0, 600);
  });

  it('counts instances seen in the last minute holding the current revision, and lists the others', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({
      environment: 'development',
      revision: 2,
      window: 60,
      instances: { seen: 4, current: 2 },
      summary: 'revision 2: held by 2 of 4 instances seen in the last minute',
    });
    expect(body.instances.lagging).toEqual([
      {
        instanceId: 'lagging-new',
        sdk: { name: '@ensign/sdk-node', version: '1.0.0' },
        kind: 'client',
        revision: 1,
        lastSeen: expect.any(String),
      },
      expect.objectContaining({ instanceId: 'lagging-old', kind: 'server' }),
    ]);
  });

  it('takes the window, the kind of key and the list limit from the query', async () => {
    expect(await json(await get('?window=900'))).toMatchObject({
      window: 900,
      instances: { seen: 5, current: 2 },
      summary: 'revision 2: held by 2 of 5 instances seen in the last 15 minutes',
    });
    expect(await json(await get('?kind=server&limit=0'))).toMatchObject({
      instances: { seen: 3, current: 2, lagging: [] },
      summary: 'revision 2: held by 2 of 3 server instances seen in the last minute',
    });
    expect(await json(await get('', 'production'))).toMatchObject({
      instances: { seen: 0, current: 0, lagging: [] },
      summary: 'revision 2: no instances seen in the last minute',
    });
  });

  it('400 naming a bad parameter, 404 for an unknown environment, 403 for SDK keys', async () => {
    for (const [query, param] of [
      ['?window=0', 'window'],
      ['?window=1.5', 'window'],
      ['?window=86401', 'window'],
      ['?kind=admin', 'kind'],
      ['?limit=1001', 'limit'],
    ] as const) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect((await json(res)).error.issues.map((i: { path: string }) => i.path)).toEqual([param]);
    }
    expect((await get('', 'nope')).status).toBe(404);
    const sdk = keys.find((k) => k.name === 'development server SDK')!.secret;
    const res = await app.request('/api/v1/projects/default/environments/development/propagation', {
      headers: { Authorization: `Bearer ${sdk}` },
    });
    expect(res.status).toBe(403);
  });
});

describe('GET …/environments/{env}/usage', () => {
  let app: Hono<AppEnv>;
  const get = (query = '') => app.request(`/projects/default/environments/development/usage${query}`);

  const hourStart = (hoursAgo: number) =>
    new Date((Math.floor(Date.now() / 3_600_000) - hoursAgo) * 3_600_000);

  beforeEach(async () => {
    // Mounted as app.ts mounts it (under the admin API's auth, which these tests do not need).
    app = new Hono<AppEnv>();
    app.route('/projects/:project/environments/:env/usage', usageRoutes({ store }));
    app.notFound(notFoundHandler);
    app.onError(errorHandler(logger));
    const counts = (n: number) => [
      { variation: 0, count: n },
      { variation: -1, count: 1 },
    ];
    await seen('a', 2, 0, { hour: hourStart(0), flags: [{ flagKey: 'checkout', counts: counts(5) }] });
    await seen('a', 2, 0, { hour: hourStart(3), flags: [{ flagKey: 'checkout', counts: counts(2) }] });
    await seen('b', 2, 0, {
      hour: hourStart(30),
      flags: [{ flagKey: 'deleted-long-ago', counts: counts(9) }],
    });
  });

  it('lists every defined or reported flag with hourly counts per variation and its last evaluation', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.environment).toBe('development');
    expect(body.from).toBe(hourStart(23).toISOString());
    expect(body.flags).toEqual([
      {
        key: 'checkout',
        defined: true,
        lastEvaluated: expect.any(String),
        total: 9,
        hours: [
          { hour: hourStart(3).toISOString(), counts: { '0': 2, default: 1 } },
          { hour: hourStart(0).toISOString(), counts: { '0': 5, default: 1 } },
        ],
      },
      // Reported, not defined: evaluated before the period, so no hours in it.
      { key: 'deleted-long-ago', defined: false, lastEvaluated: expect.any(String), total: 0, hours: [] },
      { key: 'never-used', defined: true, lastEvaluated: null, total: 0, hours: [] },
    ]);
  });

  it('narrows to one flag and a number of hours', async () => {
    const body = await json(await get('?flag=checkout&hours=2'));
    expect(body.from).toBe(hourStart(1).toISOString());
    expect(body.flags).toEqual([
      {
        key: 'checkout',
        defined: true,
        lastEvaluated: expect.any(String),
        total: 6,
        hours: [{ hour: hourStart(0).toISOString(), counts: { '0': 5, default: 1 } }],
      },
    ]);
    expect((await json(await get('?flag=deleted-long-ago&hours=48'))).flags[0].total).toBe(10);
    expect((await json(await get('?flag=never-used'))).flags).toEqual([
      { key: 'never-used', defined: true, lastEvaluated: null, total: 0, hours: [] },
    ]);
  });

  it('404 for a flag neither defined nor reported; 400 naming a bad parameter', async () => {
    expect((await get('?flag=nothing')).status).toBe(404);
    for (const [query, param] of [
      ['?hours=0', 'hours'],
      ['?hours=2161', 'hours'],
      ['?flag=Not%20A%20Key', 'flag'],
    ] as const) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect((await json(res)).error.issues.map((i: { path: string }) => i.path)).toEqual([param]);
    }
  });
});
