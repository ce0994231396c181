import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { createLifecycle, type Lifecycle } from './lifecycle/lifecycle.js';
import { createLogger } from './logger.js';
import { bootstrapIfEmpty, type CreatedKey } from './services/bootstrap.js';
import { openSqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';

let dir: string;
let store: Store;
let keys: CreatedKey[];
let lines: Array<Record<string, unknown>>;
let lifecycle: Lifecycle;
let app: ReturnType<typeof createApp>;

const secret = (name: string) => keys.find((k) => k.name === name)!.secret;
const bearer = (name: string) => ({ Authorization: `Bearer ${secret(name)}` });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-app-'));
  store = openSqliteStore({ path: join(dir, 'ensign.db') });
  await store.migrate();
  keys = (await bootstrapIfEmpty(store))!;
  lines = [];
  lifecycle = createLifecycle('serving');
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line)) });
  app = createApp({ store, logger, lifecycle, maxBodyBytes: 1024 });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('health', () => {
  it('is live and ready while serving', async () => {
    const live = await app.request('/livez');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', migrations: 'ok', phase: 'serving' },
    });
  });

  it('is not ready while starting or draining, or when the database is gone', async () => {
    for (const phase of ['starting', 'draining', 'closing'] as const) {
      lifecycle.phase = phase;
      const res = await app.request('/readyz');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'unavailable', checks: { phase } });
      expect((await app.request('/livez')).status).toBe(200);
    }
    lifecycle.phase = 'serving';
    await store.close();
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: { database: 'failing', migrations: 'pending' } });
  });
});

describe('request ids and logs', () => {
  it('echoes a sane X-Request-Id and logs one line per request with it', async () => {
    const res = await app.request('/api/v1/projects?token=secret', {
      headers: { 'X-Request-Id': 'abc-123:x.y', ...bearer('admin') },
    });
    expect(res.headers.get('X-Request-Id')).toBe('abc-123:x.y');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      path: '/api/v1/projects',
      status: 200,
      requestId: 'abc-123:x.y',
    });
    expect(typeof lines[0]!.durationMs).toBe('number');
    expect(typeof lines[0]!.time).toBe('string');
  });

  it('logs successful probes and SDK requests at debug, failing ones and everything else at info', async () => {
    await app.request('/livez', { headers: { 'X-Request-Id': 'probe' } });
    expect(lines[0]).toMatchObject({ level: 'debug', path: '/livez', status: 200 });
    await app.request('/sdk/v1/flags', { headers: bearer('development server SDK') });
    expect(lines[1]).toMatchObject({ level: 'debug', path: '/sdk/v1/flags', status: 200 });
    await app.request('/sdk/v1/flags', {
      headers: { ...bearer('development server SDK'), 'If-None-Match': '"0"' },
    });
    expect(lines[2]).toMatchObject({ level: 'debug', path: '/sdk/v1/flags', status: 304 });
    await app.request('/sdk/v1/flags');
    expect(lines[3]).toMatchObject({ level: 'info', path: '/sdk/v1/flags', status: 401 });
    await app.request('/ofrep/v1/evaluate/flags/nope', {
      method: 'POST',
      headers: { ...bearer('development server SDK'), 'Content-Type': 'application/json' },
      body: '{"context":{}}',
    });
    expect(lines[4]).toMatchObject({ level: 'info', path: '/ofrep/v1/evaluate/flags/nope', status: 404 });
    lifecycle.phase = 'draining';
    await app.request('/readyz');
    expect(lines[5]).toMatchObject({ level: 'info', path: '/readyz', status: 503 });
    await app.request('/api/openapi.json');
    expect(lines[6]).toMatchObject({ level: 'info', path: '/api/openapi.json', status: 200 });
  });

  it.each([['has spaces'], ['x'.repeat(129)], ['quote"d'], ['']])(
    'replaces an unsafe id %j with a UUID',
    async (id) => {
      const res = await app.request('/nowhere', { headers: { 'X-Request-Id': id } });
      const echoed = res.headers.get('X-Request-Id');
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines[0]).toMatchObject({ requestId: echoed, status: 404 });
    },
  );
});

describe('errors', () => {
  it('answers unknown routes 404 in the error shape', async () => {
    const res = await app.request('/nope', { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'No route for DELETE /nope' } });
  });

  it('answers 500 without internals for an unexpected error, and logs it with the request id', async () => {
    const broken = new Proxy(store, {
      get(target, property) {
        if (property === 'listProjects') return () => Promise.reject(new Error('SQLITE_CORRUPT at /var/db'));
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const logger = createLogger({ level: 'info', write: (line) => lines.push(JSON.parse(line)) });
    const brokenApp = createApp({ store: broken, logger, lifecycle });
    const res = await brokenApp.request('/api/v1/projects', {
      headers: { ...bearer('admin'), 'X-Request-Id': 'r1' },
    });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'Internal server error' } });
    expect(text).not.toContain('SQLITE');
    const logged = lines.find((l) => l.msg === 'unhandled error');
    expect(logged).toMatchObject({
      level: 'error',
      requestId: 'r1',
      error: { message: 'SQLITE_CORRUPT at /var/db' },
    });
    expect(lines.filter((l) => l.msg === 'request')).toMatchObject([{ status: 500, requestId: 'r1' }]);
  });
});

describe('auth on /api/v1', () => {
  it('401 without a key, with a malformed, unknown or revoked key; 403 for SDK keys; 200 for admin', async () => {
    const get = (headers: Record<string, string>) => app.request('/api/v1/projects', { headers });
    const wrong = `${secret('admin').slice(0, -4)}AAAA`;
    const cases: Array<[Record<string, string>, number]> = [
      [{}, 401],
      [{ Authorization: 'Basic dXNlcjpwYXNz' }, 401],
      [{ Authorization: 'Bearer' }, 401],
      [{ Authorization: 'Bearer not-a-key' }, 401],
      [{ Authorization: `Bearer ${wrong}` }, 401],
      [{ Authorization: `Bearer ${secret('admin').replace('ens_adm_', 'ens_srv_')}` }, 401],
      [bearer('development server SDK'), 403],
      [bearer('production client SDK'), 403],
      [bearer('admin'), 200],
      [{ Authorization: `bearer   ${secret('admin')}` }, 200],
    ];
    for (const [headers, status] of cases) {
      const res = await get(headers);
      expect({ headers, status: res.status }).toEqual({ headers, status });
      const body = (await res.json()) as { error?: { code: string } };
      if (status === 401) {
        expect(body.error?.code).toBe('unauthorized');
        expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
      }
      if (status === 403) expect(body.error?.code).toBe('forbidden');
    }

    const admin = (await store.listApiKeys()).find((k) => k.kind === 'admin')!;
    await store.createApiKey({
      kind: 'admin',
      name: 'spare',
      environmentId: null,
      prefix: 'ens_adm_spare000',
      secretHash: '0'.repeat(64),
    });
    await store.revokeApiKey(admin.id);
    expect((await get(bearer('admin'))).status).toBe(401);
  });

  it('401s unknown /api/v1 paths for anonymous callers, 404s them for admins', async () => {
    expect((await app.request('/api/v1/nope')).status).toBe(401);
    expect((await app.request('/api/v1/nope', { headers: bearer('admin') })).status).toBe(404);
  });
});

describe('/api/v1/projects', () => {
  const post = (body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    app.request('/api/v1/projects', { method: 'POST', body, headers: { ...bearer('admin'), ...headers } });

  it('lists the bootstrapped project with its environments', async () => {
    const res = await app.request('/api/v1/projects', { headers: bearer('admin') });
    expect(await res.json()).toMatchObject({
      items: [
        {
          key: 'default',
          environments: [
            { key: 'development', revision: 0 },
            { key: 'staging', revision: 0 },
            { key: 'production', revision: 0 },
          ],
        },
      ],
    });
  });

  it('creates a project, then 409 for the same key', async () => {
    const res = await post(JSON.stringify({ key: 'shop', name: 'Shop' }));
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe('/api/v1/projects/shop');
    expect(await res.json()).toMatchObject({
      key: 'shop',
      name: 'Shop',
      environments: [
        { key: 'development', revision: 0 },
        { key: 'staging', revision: 0 },
        { key: 'production', revision: 0 },
      ],
    });
    const again = await post(JSON.stringify({ key: 'shop', name: 'Shop' }));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'conflict' } });
  });

  it.each([['{'], ['{"key": "a",}'], ['not json'], ['']])(
    '400 for the malformed JSON body %j',
    async (body) => {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'bad_request' } });
    },
  );

  it('422 naming each invalid field', async () => {
    const res = await post(JSON.stringify({ key: 'Bad Key', extra: 1 }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; issues: Array<{ path: string }> } };
    expect(body.error.code).toBe('invalid_body');
    expect(body.error.issues.map((i) => i.path).sort()).toEqual(['', 'key', 'name']);
  });

  it('415 for a body that is not JSON, 413 for one that is too large', async () => {
    expect((await post('key=a', { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    const big = await post(JSON.stringify({ key: 'big', name: 'x'.repeat(2000) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });
});

describe('draining', () => {
  it('serves with Connection: close while draining, then answers 503 except the probes', async () => {
    lifecycle.phase = 'draining';
    const during = await app.request('/api/v1/projects', { headers: bearer('admin') });
    expect(during.status).toBe(200);
    expect(during.headers.get('Connection')).toBe('close');

    lifecycle.phase = 'closing';
    const after = await app.request('/api/v1/projects', { headers: bearer('admin') });
    expect(after.status).toBe(503);
    expect(await after.json()).toMatchObject({ error: { code: 'shutting_down' } });
    expect((await app.request('/livez')).status).toBe(200);
    expect((await app.request('/readyz')).status).toBe(503);
  });
});
