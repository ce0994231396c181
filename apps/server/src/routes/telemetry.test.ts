import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { createLifecycle } from '../lifecycle/lifecycle.js';
import { createLogger } from '../logger.js';
import { bootstrapIfEmpty, type CreatedKey } from '../services/bootstrap.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Environment, Store } from '../store/store.js';
import { maxFlagsPerReport } from './telemetry.js';

let store: Store;
let keys: CreatedKey[];
let app: ReturnType<typeof createApp>;
let development: Environment;

beforeEach(async () => {
  store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  keys = (await bootstrapIfEmpty(store))!;
  const project = (await store.getProject('default'))!;
  development = (await store.getEnvironment(project.id, 'development'))!;
  app = createApp({
    store,
    logger: createLogger({ level: 'error', write: () => {} }),
    lifecycle: createLifecycle('serving'),
  });
});

afterEach(() => store.close());

const secret = (name: string) => keys.find((k) => k.name === name)!.secret;

function post(body: unknown, key = secret('development server SDK'), contentType = 'application/json') {
  return app.request('/sdk/v1/telemetry', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const minuteAgo = () => new Date(Date.now() - 60_000).toISOString();
const report = (overrides: Record<string, unknown> = {}) => ({
  sdk: { name: '@ensign/sdk-node', version: '1.2.0' },
  instanceId: 'c0ffee-1',
  revision: 0,
  window: { start: minuteAgo(), end: new Date().toISOString() },
  flags: { checkout: { '0': 7, '1': 3 }, banner: { default: 2 } },
  ...overrides,
});

async function issues(res: Response): Promise<string[]> {
  const body = (await res.json()) as { error: { code: string; issues?: Array<{ path: string }> } };
  return body.error.issues?.map((i) => i.path) ?? [];
}

describe('POST /sdk/v1/telemetry', () => {
  it('accepts a report with a server or a client key (202, no body) and stores it', async () => {
    const res = await post(report());
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    expect((await post(report({ instanceId: 'tab-9' }), secret('development client SDK'))).status).toBe(202);

    const usage = await store.flagUsage(development.id, { since: new Date(Date.now() - 7_200_000) });
    expect(usage.map((u) => [u.flagKey, u.hours.flatMap((h) => h.counts)])).toEqual([
      ['banner', [{ variation: -1, count: 4 }]],
      [
        'checkout',
        [
          { variation: 0, count: 14 },
          { variation: 1, count: 6 },
        ],
      ],
    ]);
    const instances = await store.instanceRevisions(development.id, {
      seenSince: new Date(Date.now() - 60_000),
      currentRevision: 1,
      laggingLimit: 10,
    });
    expect(instances.lagging.map((i) => [i.instanceId, i.keyKind]).sort()).toEqual([
      ['c0ffee-1', 'server'],
      ['tab-9', 'client'],
    ]);
  });

  it('accepts a report without flags (only the revision held), and ignores unknown fields', async () => {
    const { flags: _, ...withoutFlags } = report();
    expect((await post({ ...withoutFlags, futureField: { x: 1 } })).status).toBe(202);
  });

  it.each([
    ['sdk missing', { sdk: undefined }, ['sdk']],
    [
      'sdk name empty, version with a space',
      { sdk: { name: '', version: '1 2' } },
      ['sdk.name', 'sdk.version'],
    ],
    ['instance id too long', { instanceId: 'x'.repeat(129) }, ['instanceId']],
    ['revision negative', { revision: -1 }, ['revision']],
    ['revision not an integer', { revision: 1.5 }, ['revision']],
    ['window not dates', { window: { start: 'yesterday', end: 12 } }, ['window.end', 'window.start']],
    [
      'window ends before it starts',
      { window: { start: '2026-11-28T13:00:00Z', end: '2026-11-28T12:59:59Z' } },
      ['window.end'],
    ],
    [
      'window longer than an hour',
      { window: { start: '2026-11-28T12:00:00Z', end: '2026-11-28T13:00:01Z' } },
      ['window.end'],
    ],
    ['bad flag key', { flags: { 'Bad Key': { '0': 1 } } }, ['flags.Bad Key']],
    [
      'bad variation key',
      { flags: { ok: { '01': 1, x: 2, '100': 3 } } },
      ['flags.ok.01', 'flags.ok.100', 'flags.ok.x'],
    ],
    ['negative count', { flags: { ok: { '0': -1 } } }, ['flags.ok.0']],
    ['fractional count', { flags: { ok: { '0': 0.5 } } }, ['flags.ok.0']],
    ['huge count', { flags: { ok: { '0': 1e11 } } }, ['flags.ok.0']],
    ['counts not an object', { flags: { ok: [1, 2] } }, ['flags.ok']],
    [
      'too many flags',
      {
        flags: Object.fromEntries(
          Array.from({ length: maxFlagsPerReport + 1 }, (_, i) => [`f${i}`, { '0': 1 }]),
        ),
      },
      ['flags'],
    ],
  ])('422 naming the field: %s', async (_, overrides, paths) => {
    const res = await post(report(overrides));
    expect(res.status).toBe(422);
    expect((await issues(res)).sort()).toEqual(paths);
  });

  it('422 for a window ahead of the server clock or older than a day', async () => {
    const hour = 3_600_000;
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const ahead = await post(report({ window: { start: at(9 * 60_000), end: at(10 * 60_000) } }));
    expect(ahead.status).toBe(422);
    expect(await issues(ahead)).toEqual(['window.end']);
    const old = await post(report({ window: { start: at(-25 * hour), end: at(-24.5 * hour) } }));
    expect(old.status).toBe(422);
    expect(await issues(old)).toEqual(['window.start']);
    expect(await store.flagUsage(development.id, { since: new Date(0) })).toEqual([]);
  });

  it('400 for a body that is not JSON, 415 for another content type (text/plain is read as JSON: beacons)', async () => {
    expect((await post('{"sdk":')).status).toBe(400);
    expect((await post(report(), undefined, 'application/xml')).status).toBe(415);
    expect((await post(report(), undefined, 'text/plain;charset=UTF-8')).status).toBe(202);
    expect((await post('{"sdk":', undefined, 'text/plain')).status).toBe(400);
  });

  it('401 without a key, 403 with an admin key', async () => {
    const anonymous = await app.request('/sdk/v1/telemetry', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(report()),
    });
    expect(anonymous.status).toBe(401);
    expect((await post(report(), secret('admin'))).status).toBe(403);
  });
});
