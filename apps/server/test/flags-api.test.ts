/**
 * Integration: the flags part of the admin API against the built server as a real process on
 * 127.0.0.1 with a real SQLite file. One server for the file; each test uses its own flag keys.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, type Call, printedKeys } from './api-client.js';
import { kill, type ServerProcess, startServer } from './server-process.js';

let dir: string;
let db: string;
let server: ServerProcess;
let admin: string;
let sdk: string;

const base = '/api/v1/projects/default';
const config = (flag: string, env = 'development') => `${base}/environments/${env}/flags/${flag}`;

let call: ApiClient;

async function createFlag(key: string, extra: Record<string, unknown> = {}): Promise<Call> {
  const res = await call('POST', `${base}/flags`, {
    body: { key, name: key, type: 'boolean', variations: [true, false], ...extra },
  });
  expect(res.status).toBe(201);
  return res;
}

async function revisions(): Promise<Record<string, number>> {
  const res = await call('GET', '/api/v1/projects');
  const project = res.body.items.find((p: { key: string }) => p.key === 'default');
  return Object.fromEntries(
    project.environments.map((e: { key: string; revision: number }) => [e.key, e.revision]),
  );
}

function readDb<T>(sql: string, ...params: unknown[]): T[] {
  const raw = new BetterSqlite3(db, { readonly: true });
  try {
    return raw.prepare(sql).all(...params) as T[];
  } finally {
    raw.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-flags-'));
  db = join(dir, 'ensign.db');
  server = await startServer(db);
  const keys = printedKeys(server.stderr());
  admin = keys.get('admin')!;
  sdk = keys.get('development server SDK')!;
  call = apiClient(server, admin);
});

afterAll(async () => {
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('auth', () => {
  const endpoints: Array<[string, string, unknown?]> = [
    ['GET', `${base}/flags`],
    ['POST', `${base}/flags`, { key: 'auth-x', name: 'x', type: 'boolean', variations: [true, false] }],
    ['GET', `${base}/flags/auth`],
    ['GET', config('auth')],
    ['PUT', config('auth'), {}],
    ['POST', `${config('auth')}/toggle`, { on: true }],
    ['PUT', `${config('auth')}/fallthrough`, { variation: 0 }],
    ['POST', `${config('auth')}/targets`, { variation: 0, add: ['a'] }],
    ['GET', `${config('auth')}/revisions`],
    ['GET', `${config('auth')}/revisions/1`],
    ['POST', `${config('auth')}/revert`, { version: 1 }],
  ];
  it.each(endpoints)(
    '%s %s: 401 without a key, 401 with a bad key, 403 with an SDK key',
    async (method, path, body) => {
      const opts = body === undefined ? {} : { body };
      const none = await call(method, path, { ...opts, key: null });
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('unauthorized');
      expect((await call(method, path, { ...opts, key: 'ens_adm_nope' })).status).toBe(401);
      const wrong = await call(method, path, { ...opts, key: sdk });
      expect(wrong.status).toBe(403);
      expect(wrong.body.error.code).toBe('forbidden');
    },
  );
});

describe('flag definitions', () => {
  it('creates a flag with an OFF config in every environment, one revision each', async () => {
    const before = await revisions();
    const res = await call('POST', `${base}/flags`, {
      body: {
        key: 'checkout',
        name: 'New checkout',
        type: 'boolean',
        variations: [true, false],
        description: 'the new flow',
        tags: ['web'],
        owner: 'payments',
        temporary: false,
      },
      headers: { 'X-Ensign-Comment': 'first' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${base}/flags/checkout`);
    expect(res.body).toMatchObject({
      key: 'checkout',
      name: 'New checkout',
      description: 'the new flow',
      tags: ['web'],
      owner: 'payments',
      temporary: false,
      archived: false,
      environments: [
        { environment: 'development', on: false, version: 1 },
        { environment: 'staging', on: false, version: 1 },
        { environment: 'production', on: false, version: 1 },
      ],
    });
    const after = await revisions();
    for (const env of ['development', 'staging', 'production']) expect(after[env]).toBe(before[env]! + 1);

    const got = await call('GET', config('checkout', 'production'));
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('"1"');
    expect(got.body).toEqual({
      key: 'checkout',
      version: 1,
      type: 'boolean',
      on: false,
      variations: [true, false],
      offVariation: 1,
      fallthrough: { variation: 1 },
    });
    const [row] = readDb<{ actor: string; comment: string }>(
      "SELECT actor, comment FROM revisions WHERE entity_key = 'checkout' AND entity_kind = 'flag'",
    );
    expect(row).toEqual({ actor: 'admin', comment: 'first' });
  });

  it('lists definitions and shows one with its per-environment summary', async () => {
    await createFlag('listed-a');
    await createFlag('listed-b', { type: 'string', variations: ['red', 'blue'] });
    const list = await call('GET', `${base}/flags`);
    expect(list.status).toBe(200);
    const keys = list.body.items.map((f: { key: string }) => f.key);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toEqual(expect.arrayContaining(['listed-a', 'listed-b']));

    await call('POST', `${config('listed-b', 'staging')}/toggle`, { body: { on: true } });
    const one = await call('GET', `${base}/flags/listed-b`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ key: 'listed-b', type: 'string', variations: ['red', 'blue'] });
    expect(one.body.environments).toMatchObject([
      { environment: 'development', on: false, version: 1 },
      { environment: 'staging', on: true, version: 2 },
      { environment: 'production', on: false, version: 1 },
    ]);
  });

  it('answers 409 for a duplicate key, 422 naming the field, 404 for unknown projects and flags', async () => {
    await createFlag('dup');
    const before = await revisions();
    const dup = await call('POST', `${base}/flags`, {
      body: { key: 'dup', name: 'again', type: 'boolean', variations: [true, false] },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('conflict');
    expect(await revisions()).toEqual(before);

    const badKey = await call('POST', `${base}/flags`, {
      body: { key: 'Not OK', name: 'x', type: 'boolean', variations: [true, false] },
    });
    expect(badKey.status).toBe(422);
    expect(badKey.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['key']);

    const badVariation = await call('POST', `${base}/flags`, {
      body: { key: 'typed', name: 'x', type: 'number', variations: [1, 'two'] },
    });
    expect(badVariation.status).toBe(422);
    expect(badVariation.body.error.issues[0].path).toBe('variations.1');
    expect((await call('GET', `${base}/flags/typed`)).status).toBe(404);

    const missing = await call('GET', `${base}/flags/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect((await call('GET', '/api/v1/projects/nope/flags')).status).toBe(404);
    const noProject = await call('POST', '/api/v1/projects/nope/flags', {
      body: { key: 'x', name: 'x', type: 'boolean', variations: [true, false] },
    });
    expect(noProject.status).toBe(404);
  });
});

describe('flag configs', () => {
  const full = (key: string, over: Record<string, unknown> = {}) => ({
    key,
    version: 1,
    type: 'boolean',
    on: true,
    variations: [true, false],
    offVariation: 1,
    rules: [
      {
        id: 'beta',
        clauses: [{ attribute: 'version', op: 'semverGte', values: ['2.0.0'] }],
        serve: { variation: 0 },
      },
    ],
    fallthrough: { variation: 1 },
    ...over,
  });

  it('404s for an unknown environment, flag or project', async () => {
    await createFlag('where');
    expect((await call('GET', config('where', 'nope'))).status).toBe(404);
    expect((await call('GET', config('nope'))).status).toBe(404);
    const res = await call('GET', '/api/v1/projects/nope/environments/development/flags/where');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'not_found' });
    expect(
      (await call('PUT', config('nope'), { body: full('nope'), headers: { 'If-Match': '"1"' } })).status,
    ).toBe(404);
  });

  it('replaces a config with If-Match, bumping the environment revision by one and logging the change', async () => {
    await createFlag('put');
    const before = await revisions();
    const res = await call('PUT', config('put'), {
      body: full('put'),
      headers: { 'If-Match': '"1"', 'X-Ensign-Comment': 'beta%20users' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"2"');
    expect(res.body).toMatchObject({ key: 'put', version: 2, on: true });
    expect((await call('GET', config('put'))).body).toEqual(res.body);
    const after = await revisions();
    expect(after).toEqual({ ...before, development: before.development! + 1 });

    const log = readDb<{ changes: string }>(
      "SELECT change_log.changes FROM change_log JOIN environments e ON e.id = environment_id WHERE e.key = 'development' AND change_log.revision = ?",
      after.development,
    );
    expect(JSON.parse(log[0]!.changes)).toEqual([{ kind: 'flag', key: 'put', op: 'upsert', version: 2 }]);
    const [revision] = readDb<{ actor: string; comment: string; environment_revision: number }>(
      "SELECT actor, comment, environment_revision FROM revisions WHERE entity_key = 'put' AND version = 2",
    );
    expect(revision).toEqual({
      actor: 'admin',
      comment: 'beta users',
      environment_revision: after.development,
    });
  });

  it('requires If-Match (428), answers a stale one with 412 and the current ETag, and keeps the winner', async () => {
    await createFlag('stale');
    const missing = await call('PUT', config('stale'), { body: full('stale') });
    expect(missing.status).toBe(428);
    expect(missing.body.error.code).toBe('precondition_required');

    const winner = await call('PUT', config('stale'), {
      body: full('stale'),
      headers: { 'If-Match': '"1"' },
    });
    expect(winner.status).toBe(200);
    const before = await revisions();
    const loser = await call('PUT', config('stale'), {
      body: full('stale', { on: false }),
      headers: { 'If-Match': '"1"' },
    });
    expect(loser.status).toBe(412);
    expect(loser.headers.get('etag')).toBe('"2"');
    expect(loser.body.error.code).toBe('version_mismatch');
    expect(await revisions()).toEqual(before);
    expect((await call('GET', config('stale'))).body).toEqual(winner.body);

    const garbage = await call('PUT', config('stale'), { body: full('stale'), headers: { 'If-Match': '*' } });
    expect(garbage.status).toBe(412);
  });

  it('rejects invalid configs with 422 naming the field', async () => {
    await createFlag('invalid');
    const put = (body: unknown) => call('PUT', config('invalid'), { body, headers: { 'If-Match': '"1"' } });
    const semver = await put(
      full('invalid', {
        rules: [
          {
            id: 'r',
            clauses: [{ attribute: 'version', op: 'semverGte', values: ['1.0.0', 'not-a-version'] }],
            serve: { variation: 0 },
          },
        ],
      }),
    );
    expect(semver.status).toBe(422);
    expect(semver.body.error.issues.map((i: { path: string }) => i.path)).toContain(
      'rules.0.clauses.0.values.1',
    );

    const shape = await put(full('invalid', { on: 'yes' }));
    expect(shape.status).toBe(422);
    expect(shape.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['on']);

    const type = await put(full('invalid', { type: 'string', variations: ['a', 'b'] }));
    expect(type.status).toBe(422);
    expect(type.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['type', 'variations']);

    const key = await put(full('other'));
    expect(key.status).toBe(422);
    expect(key.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['key']);
    expect((await call('GET', config('invalid'))).body.version).toBe(1);
  });

  it('toggles, with an optional If-Match', async () => {
    await createFlag('toggle');
    const on = await call('POST', `${config('toggle')}/toggle`, { body: { on: true } });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ on: true, version: 2 });
    expect(on.headers.get('etag')).toBe('"2"');
    const stale = await call('POST', `${config('toggle')}/toggle`, {
      body: { on: false },
      headers: { 'If-Match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe('"2"');
    const off = await call('POST', `${config('toggle')}/toggle`, {
      body: { on: false },
      headers: { 'If-Match': '"2"' },
    });
    expect(off.body).toMatchObject({ on: false, version: 3 });
    const bad = await call('POST', `${config('toggle')}/toggle`, { body: { on: 1 } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.issues[0].path).toBe('on');
    expect((await call('POST', `${config('nope')}/toggle`, { body: { on: true } })).status).toBe(404);
  });

  it('sets the fallthrough, validated by the compiler', async () => {
    await createFlag('fall');
    const rollout = {
      rollout: {
        variations: [
          { variation: 0, weight: 25_000 },
          { variation: 1, weight: 75_000 },
        ],
      },
    };
    const ok = await call('PUT', `${config('fall')}/fallthrough`, { body: rollout });
    expect(ok.status).toBe(200);
    expect(ok.body.fallthrough).toEqual(rollout);

    const sum = await call('PUT', `${config('fall')}/fallthrough`, {
      body: { rollout: { variations: [{ variation: 0, weight: 1 }] } },
    });
    expect(sum.status).toBe(422);
    expect(sum.body.error.issues[0].path).toMatch(/^rollout/);
    const index = await call('PUT', `${config('fall')}/fallthrough`, { body: { variation: 7 } });
    expect(index.status).toBe(422);
    expect(index.body.error.issues[0].path).toBe('variation');
    const shape = await call('PUT', `${config('fall')}/fallthrough`, { body: { variation: 0, rollout: {} } });
    expect(shape.status).toBe(422);
    expect((await call('GET', config('fall'))).body.version).toBe(2);
  });

  it('adds and removes individual targets; a key targets one variation', async () => {
    await createFlag('targets');
    const add = await call('POST', `${config('targets')}/targets`, {
      body: { variation: 0, add: ['ann', 'bob'] },
    });
    expect(add.status).toBe(200);
    expect(add.body.targets).toEqual([{ variation: 0, values: ['ann', 'bob'] }]);
    const move = await call('POST', `${config('targets')}/targets`, { body: { variation: 1, add: ['bob'] } });
    expect(move.body.targets).toEqual([
      { variation: 0, values: ['ann'] },
      { variation: 1, values: ['bob'] },
    ]);
    const remove = await call('POST', `${config('targets')}/targets`, {
      body: { variation: 0, remove: ['ann'] },
    });
    expect(remove.body.targets).toEqual([{ variation: 1, values: ['bob'] }]);
    expect(remove.body.version).toBe(4);

    const range = await call('POST', `${config('targets')}/targets`, { body: { variation: 2, add: ['x'] } });
    expect(range.status).toBe(422);
    expect(range.body.error.issues[0].path).toBe('variation');
    const empty = await call('POST', `${config('targets')}/targets`, { body: { variation: 0 } });
    expect(empty.status).toBe(422);
    expect(empty.body.error.issues[0].path).toBe('add');
  });

  it('does not lose concurrent target edits sent without If-Match', async () => {
    await createFlag('many-targets');
    const users = Array.from({ length: 10 }, (_, i) => `user-${i}`);
    const results = await Promise.all(
      users.map((u) =>
        call('POST', `${config('many-targets')}/targets`, { body: { variation: 0, add: [u] } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(users.map(() => 200));
    const final = await call('GET', config('many-targets'));
    expect([...final.body.targets[0].values].sort()).toEqual([...users].sort());
    expect(final.body.version).toBe(11);
  });
});

describe('revisions', () => {
  it('lists newest first with pagination, shows one, and reverts to an old config', async () => {
    await createFlag('history');
    for (const on of [true, false, true]) {
      const res = await call('POST', `${config('history')}/toggle`, {
        body: { on },
        headers: { 'X-Ensign-Comment': `on=${on}` },
      });
      expect(res.status).toBe(200);
    }
    const page1 = await call('GET', `${config('history')}/revisions?limit=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((r: { version: number }) => r.version)).toEqual([4, 3]);
    expect(page1.body.items[0]).toMatchObject({
      actor: 'admin',
      comment: 'on=true',
      document: { on: true, version: 4 },
    });
    expect(page1.body.next).toEqual({ before: 3 });
    const page2 = await call('GET', `${config('history')}/revisions?limit=2&before=3`);
    expect(page2.body.items.map((r: { version: number }) => r.version)).toEqual([2, 1]);
    expect(page2.body.next).toBeNull();
    expect((await call('GET', `${config('history')}/revisions?limit=0`)).status).toBe(400);
    expect((await call('GET', `${config('history')}/revisions?before=x`)).status).toBe(400);

    const three = await call('GET', `${config('history')}/revisions/3`);
    expect(three.status).toBe(200);
    expect(three.body).toMatchObject({
      version: 3,
      document: { on: false },
      before: { on: true, version: 2 },
    });
    expect((await call('GET', `${config('history')}/revisions/99`)).status).toBe(404);
    expect((await call('GET', `${config('history')}/revisions/abc`)).status).toBe(404);

    const before = await revisions();
    const reverted = await call('POST', `${config('history')}/revert`, { body: { version: 1 } });
    expect(reverted.status).toBe(200);
    expect(reverted.headers.get('etag')).toBe('"5"');
    const { version: _v1, ...v1 } = (await call('GET', `${config('history')}/revisions/1`)).body.document;
    const { version: _v5, ...v5 } = reverted.body;
    expect(v5).toEqual(v1);
    expect((await revisions()).development).toBe(before.development! + 1);
    const latest = await call('GET', `${config('history')}/revisions?limit=1`);
    expect(latest.body.items[0]).toMatchObject({ version: 5, comment: 'revert to version 1' });

    const unknown = await call('POST', `${config('history')}/revert`, { body: { version: 42 } });
    expect(unknown.status).toBe(404);
    const stale = await call('POST', `${config('history')}/revert`, {
      body: { version: 2 },
      headers: { 'If-Match': '"4"' },
    });
    expect(stale.status).toBe(412);
    const bad = await call('POST', `${config('history')}/revert`, { body: { version: 0 } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.issues[0].path).toBe('version');
  });
});

describe('concurrency', () => {
  it('20 concurrent PUTs with the same If-Match: exactly one 200, the rest 412', async () => {
    await createFlag('race');
    const before = await revisions();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('PUT', config('race'), {
          body: {
            key: 'race',
            version: 1,
            type: 'boolean',
            on: true,
            variations: [true, false],
            offVariation: 1,
            fallthrough: { variation: 0 },
            salt: `editor-${i}`,
          },
          headers: { 'If-Match': '"1"' },
        }),
      ),
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(19);
    expect((await call('GET', config('race'))).body).toEqual(winners[0]!.body);
    expect((await revisions()).development).toBe(before.development! + 1);
  });
});
