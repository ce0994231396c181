/**
 * Integration: the admin API beyond flag configs (projects, environments, segments, API keys,
 * definitions, archive, rule rollouts, promotion, diff, audit, the OpenAPI reference) against the
 * built server as a real process on 127.0.0.1 with a real SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, printedKeys } from './api-client.js';
import { kill, type ServerProcess, startServer } from './server-process.js';

let dir: string;
let db: string;
let server: ServerProcess;
let call: ApiClient;
let keys: Map<string, string>;

const base = '/api/v1/projects/default';
const flagConfig = (flag: string, env = 'development') => `${base}/environments/${env}/flags/${flag}`;
const segment = (key: string, env = 'development') => `${base}/environments/${env}/segments/${key}`;

async function createFlag(key: string, extra: Record<string, unknown> = {}) {
  const res = await call('POST', `${base}/flags`, {
    body: { key, name: key, type: 'boolean', variations: [true, false], ...extra },
  });
  expect(res.status).toBe(201);
  return res;
}

function readDb<T>(sql: string, ...params: unknown[]): T[] {
  const raw = new BetterSqlite3(db, { readonly: true });
  try {
    return raw.prepare(sql).all(...params) as T[];
  } finally {
    raw.close();
  }
}

const issuePaths = (res: { body: { error: { issues?: Array<{ path: string }> } } }) =>
  (res.body.error.issues ?? []).map((i) => i.path);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-admin-'));
  db = join(dir, 'ensign.db');
  server = await startServer(db);
  keys = printedKeys(server.stderr());
  call = apiClient(server, keys.get('admin'));
});

afterAll(async () => {
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('projects and environments', () => {
  it('creates a project with the default environments, or the ones asked for', async () => {
    const shop = await call('POST', '/api/v1/projects', { body: { key: 'shop', name: 'Shop' } });
    expect(shop.status).toBe(201);
    expect(shop.body.environments.map((e: { key: string }) => e.key)).toEqual([
      'development',
      'staging',
      'production',
    ]);
    const custom = await call('POST', '/api/v1/projects', {
      body: { key: 'blog', name: 'Blog', environments: [{ key: 'live', name: 'Live' }] },
    });
    expect(custom.body.environments).toMatchObject([{ key: 'live', name: 'Live', revision: 0 }]);
    expect((await call('GET', '/api/v1/projects/blog')).body.environments).toHaveLength(1);
    expect((await call('GET', '/api/v1/projects/nope')).status).toBe(404);
    const dup = await call('POST', '/api/v1/projects', {
      body: {
        key: 'dup-envs',
        name: 'x',
        environments: [
          { key: 'a', name: 'A' },
          { key: 'a', name: 'B' },
        ],
      },
    });
    expect(dup.status).toBe(422);
    expect(issuePaths(dup)).toEqual(['environments']);
  });

  it('creates an environment where every existing flag gets an OFF config under revision 1', async () => {
    await createFlag('env-a');
    await createFlag('env-b', { type: 'string', variations: ['x', 'y'] });
    const created = await call('POST', `${base}/environments`, { body: { key: 'qa', name: 'QA' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('Location')).toBe(`${base}/environments/qa`);
    const flags = (await call('GET', `${base}/flags?archived=all`)).body.items.length;
    expect(created.body).toMatchObject({ key: 'qa', revision: 1 });
    const qa = await call('GET', flagConfig('env-b', 'qa'));
    expect(qa.status).toBe(200);
    expect(qa.body).toMatchObject({ on: false, variations: ['x', 'y'], version: 1 });
    const [log] = readDb<{ changes: string }>(
      "SELECT changes FROM change_log WHERE environment_id = (SELECT id FROM environments WHERE key = 'qa' AND project_id = 1)",
    );
    expect(JSON.parse(log!.changes)).toHaveLength(flags);
    expect(
      (await call('GET', `${base}/environments`)).body.items.map((e: { key: string }) => e.key),
    ).toContain('qa');
    expect((await call('GET', `${base}/environments/qa`)).body.revision).toBe(1);
    expect((await call('POST', `${base}/environments`, { body: { key: 'qa', name: 'QA' } })).status).toBe(
      409,
    );
    expect((await call('POST', `${base}/environments`, { body: { key: 'Q A', name: '' } })).status).toBe(422);
    expect((await call('GET', `${base}/environments/nope`)).status).toBe(404);
    expect(
      (await call('POST', '/api/v1/projects/nope/environments', { body: { key: 'x', name: 'X' } })).status,
    ).toBe(404);
  });
});

describe('segments', () => {
  it('creates, reads, replaces with If-Match, and lists', async () => {
    const created = await call('PUT', segment('beta'), { body: { included: ['u1'], rules: [] } });
    expect(created.status).toBe(201);
    expect(created.headers.get('ETag')).toBe('"1"');
    expect(created.body).toEqual({ key: 'beta', version: 1, included: ['u1'], rules: [] });
    const noMatch = await call('PUT', segment('beta'), { body: { included: ['u2'] } });
    expect(noMatch.status).toBe(428);
    expect(noMatch.headers.get('ETag')).toBe('"1"');
    const stale = await call('PUT', segment('beta'), {
      body: { included: ['u2'] },
      headers: { 'If-Match': '"9"' },
    });
    expect(stale.status).toBe(412);
    const replaced = await call('PUT', segment('beta'), {
      body: { key: 'beta', version: 1, included: ['u2'], excluded: ['u3'] },
      headers: { 'If-Match': '"1"' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ key: 'beta', version: 2, included: ['u2'], excluded: ['u3'] });
    expect((await call('GET', segment('beta'))).body.version).toBe(2);
    const list = await call('GET', `${base}/environments/development/segments`);
    expect(list.body.items.map((s: { key: string }) => s.key)).toContain('beta');
    expect((await call('GET', segment('beta', 'staging'))).status).toBe(404);
  });

  it('rejects invalid segments with 422 naming the field', async () => {
    const bad = await call('PUT', segment('bad'), {
      body: { key: 'other', rules: [{ clauses: [{ attribute: 'x', op: 'nope', values: [] }] }], extra: 1 },
    });
    expect(bad.status).toBe(422);
    expect(issuePaths(bad)).toEqual(expect.arrayContaining(['rules.0.clauses.0.op', '']));
    const weight = await call('PUT', segment('bad'), {
      body: { rules: [{ clauses: [], weight: 100_001 }] },
    });
    expect(weight.status).toBe(422);
    expect(issuePaths(weight)[0]).toMatch(/^rules\.0\.weight/);
    const badKey = await call('PUT', segment('Bad Key'), { body: {} });
    expect(badKey.status).toBe(422);
    expect(issuePaths(badKey)).toEqual(['key']);
  });

  it('refuses uses of missing segments and cycles, and deleting a segment in use', async () => {
    const uses = (key: string) => ({
      rules: [{ clauses: [{ attribute: 'key', op: 'segmentMatch', values: [key] }] }],
    });
    const missing = await call('PUT', segment('outer'), { body: uses('ghost') });
    expect(missing.status).toBe(422);
    expect(issuePaths(missing)).toEqual(['rules.0.clauses.0.values.0']);
    expect((await call('PUT', segment('inner'), { body: { included: ['a'] } })).status).toBe(201);
    expect((await call('PUT', segment('outer'), { body: uses('inner') })).status).toBe(201);
    const cycle = await call('PUT', segment('inner'), {
      body: uses('outer'),
      headers: { 'If-Match': '"1"' },
    });
    expect(cycle.status).toBe(422);
    expect(cycle.body.error.issues[0].message).toMatch(/cycle/);
    const self = await call('PUT', segment('selfish'), { body: uses('selfish') });
    expect(self.status).toBe(422);

    await createFlag('seg-user');
    const cfg = (await call('GET', flagConfig('seg-user'))).body;
    const ghost = await call('PUT', flagConfig('seg-user'), {
      body: {
        ...cfg,
        rules: [
          {
            id: 'r1',
            clauses: [{ attribute: 'key', op: 'segmentMatch', values: ['ghost'] }],
            serve: { variation: 0 },
          },
        ],
      },
      headers: { 'If-Match': `"${cfg.version}"` },
    });
    expect(ghost.status).toBe(422);
    expect(issuePaths(ghost)).toEqual(['rules.0.clauses.0.values.0']);
    const usesOuter = await call('PUT', flagConfig('seg-user'), {
      body: {
        ...cfg,
        rules: [
          {
            id: 'r1',
            clauses: [{ attribute: 'key', op: 'segmentMatch', values: ['outer'] }],
            serve: { variation: 0 },
          },
        ],
      },
      headers: { 'If-Match': `"${cfg.version}"` },
    });
    expect(usesOuter.status).toBe(200);

    const inUse = await call('DELETE', segment('inner'));
    expect(inUse.status).toBe(409);
    expect(inUse.body.error).toMatchObject({ code: 'in_use', issues: [{ path: 'segments.outer' }] });
    const outerInUse = await call('DELETE', segment('outer'));
    expect(outerInUse.body.error.issues).toEqual([
      { path: 'flags.seg-user', message: 'flag "seg-user" uses it' },
    ]);

    expect((await call('PUT', segment('lonely'), { body: { included: ['z'] } })).status).toBe(201);
    expect((await call('DELETE', segment('lonely'), { headers: { 'If-Match': '"7"' } })).status).toBe(412);
    const deleted = await call('DELETE', segment('lonely'), { headers: { 'If-Match': '"1"' } });
    expect(deleted.status).toBe(204);
    expect((await call('GET', segment('lonely'))).status).toBe(404);
    expect((await call('DELETE', segment('lonely'))).status).toBe(404);
  });

  it('keeps revisions, diffs two versions, and reverts', async () => {
    await call('PUT', segment('hist'), { body: { included: ['a'] } });
    await call('PUT', segment('hist'), { body: { included: ['a', 'b'] }, headers: { 'If-Match': '"1"' } });
    await call('PUT', segment('hist'), { body: { excluded: ['c'] }, headers: { 'If-Match': '"2"' } });
    const history = await call('GET', `${segment('hist')}/revisions`);
    expect(history.body.items.map((r: { version: number }) => r.version)).toEqual([3, 2, 1]);
    expect((await call('GET', `${segment('hist')}/revisions/2`)).body).toMatchObject({
      version: 2,
      document: { included: ['a', 'b'] },
      before: { included: ['a'] },
    });
    const diff = await call('GET', `${segment('hist')}/diff?from=1&to=2`);
    expect(diff.body).toEqual({
      from: 1,
      to: 2,
      patch: expect.arrayContaining([
        { op: 'add', path: '/included/1', value: 'b' },
        { op: 'replace', path: '/version', value: 2 },
      ]),
    });
    expect(diff.body.patch).toHaveLength(2);
    const toCurrent = await call('GET', `${segment('hist')}/diff?from=2`);
    expect(toCurrent.body.to).toBe(3);
    expect(toCurrent.body.patch).toEqual(
      expect.arrayContaining([
        { op: 'remove', path: '/included' },
        { op: 'add', path: '/excluded', value: ['c'] },
      ]),
    );
    expect((await call('GET', `${segment('hist')}/diff?from=0`)).status).toBe(400);
    expect((await call('GET', `${segment('hist')}/diff?from=9`)).status).toBe(404);
    const reverted = await call('POST', `${segment('hist')}/revert`, { body: { version: 1 } });
    expect(reverted.status).toBe(200);
    expect(reverted.body).toEqual({ key: 'hist', version: 4, included: ['a'] });
    const [latest] = (await call('GET', `${segment('hist')}/revisions?limit=1`)).body.items;
    expect(latest.comment).toBe('revert to version 1');
  });
});

describe('API keys', () => {
  it('creates keys of each kind whose secret works once shown, lists them without secrets, and revokes', async () => {
    const server = await call('POST', '/api/v1/api-keys', {
      body: { kind: 'server', name: 'checkout service', project: 'default', environment: 'staging' },
    });
    expect(server.status).toBe(201);
    expect(server.headers.get('Cache-Control')).toBe('no-store');
    expect(server.body).toMatchObject({
      kind: 'server',
      project: 'default',
      environment: 'staging',
      revokedAt: null,
    });
    expect(server.body.secret).toMatch(/^ens_srv_[A-Za-z0-9_-]{43}$/);
    expect(server.body.secret.startsWith(server.body.prefix)).toBe(true);

    const admin = await call('POST', '/api/v1/api-keys', { body: { kind: 'admin', name: 'ci pipeline' } });
    expect(admin.body.secret).toMatch(/^ens_adm_/);
    const asPipeline = await call('GET', '/api/v1/projects', { key: admin.body.secret });
    expect(asPipeline.status).toBe(200);
    // The pipeline's changes are recorded under its key's name.
    await createFlag('by-pipeline');
    const toggled = await call('POST', `${flagConfig('by-pipeline')}/toggle`, {
      body: { on: true },
      key: admin.body.secret,
    });
    expect(toggled.status).toBe(200);
    const [rev] = (await call('GET', `${flagConfig('by-pipeline')}/revisions?limit=1`)).body.items;
    expect(rev.actor).toBe('ci pipeline');
    // An SDK key cannot use the admin API.
    expect((await call('GET', '/api/v1/projects', { key: server.body.secret })).status).toBe(403);

    const list = await call('GET', '/api/v1/api-keys');
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(server.body.secret);
    expect(text).not.toContain(admin.body.secret);
    expect(list.body.items.map((k: { name: string }) => k.name)).toEqual(
      expect.arrayContaining(['admin', 'production client SDK', 'checkout service', 'ci pipeline']),
    );
    expect((await call('GET', `/api/v1/api-keys/${server.body.id}`)).body.name).toBe('checkout service');

    const revoked = await call('DELETE', `/api/v1/api-keys/${admin.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await call('GET', '/api/v1/projects', { key: admin.body.secret })).status).toBe(401);
    expect((await call('DELETE', `/api/v1/api-keys/${admin.body.id}`)).body.revokedAt).toBe(
      revoked.body.revokedAt,
    );
    for (const id of ['0', '99999', 'abc', '1.5'])
      expect((await call('GET', `/api/v1/api-keys/${id}`)).status).toBe(404);
  });

  it('refuses to revoke the last active admin key, and invalid scopes', async () => {
    const admins = (await call('GET', '/api/v1/api-keys')).body.items.filter(
      (k: { kind: string; revokedAt: string | null }) => k.kind === 'admin' && k.revokedAt === null,
    );
    expect(admins).toHaveLength(1);
    const last = await call('DELETE', `/api/v1/api-keys/${admins[0].id}`);
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/last active admin key/);

    const noEnv = await call('POST', '/api/v1/api-keys', { body: { kind: 'client', name: 'web' } });
    expect(noEnv.status).toBe(422);
    expect(issuePaths(noEnv).sort()).toEqual(['environment', 'project']);
    const scopedAdmin = await call('POST', '/api/v1/api-keys', {
      body: { kind: 'admin', name: 'x', project: 'default', environment: 'staging' },
    });
    expect(issuePaths(scopedAdmin).sort()).toEqual(['environment', 'project']);
    const unknown = await call('POST', '/api/v1/api-keys', {
      body: { kind: 'client', name: 'web', project: 'default', environment: 'mars' },
    });
    expect(unknown.status).toBe(404);
  });
});

describe('flag definitions', () => {
  it('updates fields with an optional If-Match and records a revision', async () => {
    const created = await createFlag('def-edit', { tags: ['checkout'] });
    expect(created.headers.get('ETag')).toBe('"1"');
    const patched = await call('PATCH', `${base}/flags/def-edit`, {
      body: { name: 'Edited', tags: ['checkout', 'q4'], owner: 'team-pay', temporary: false },
      headers: { 'If-Match': '"1"' },
    });
    expect(patched.status).toBe(200);
    expect(patched.headers.get('ETag')).toBe('"2"');
    expect(patched.body).toMatchObject({
      name: 'Edited',
      tags: ['checkout', 'q4'],
      owner: 'team-pay',
      temporary: false,
      version: 2,
    });
    const stale = await call('PATCH', `${base}/flags/def-edit`, {
      body: { name: 'x' },
      headers: { 'If-Match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('ETag')).toBe('"2"');
    expect((await call('PATCH', `${base}/flags/def-edit`, { body: {} })).status).toBe(422);
    const typeChange = await call('PATCH', `${base}/flags/def-edit`, { body: { type: 'string' } });
    expect(typeChange.status).toBe(422);
    expect(issuePaths(typeChange)).toContain('');
    expect((await call('PATCH', `${base}/flags/nope`, { body: { name: 'x' } })).status).toBe(404);
    const audit = await call('GET', `${base}/audit?kind=flag&key=def-edit`);
    expect(audit.body.items.map((e: { version: number }) => e.version)).toEqual([2, 1]);
    expect(audit.body.items[0]).toMatchObject({
      before: { name: 'def-edit' },
      after: { name: 'Edited' },
      environment: null,
    });
    expect((await call('GET', `${base}/flags?tag=q4`)).body.items.map((f: { key: string }) => f.key)).toEqual(
      ['def-edit'],
    );
  });

  it('archives (configs frozen, SDK change logs told it left) and restores', async () => {
    await createFlag('old-flag');
    const revisionsBefore = await envRevisions();
    const archived = await call('POST', `${base}/flags/old-flag/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body.archived).toBe(true);
    const after = await envRevisions();
    for (const [env, revision] of Object.entries(revisionsBefore)) expect(after[env]).toBe(revision + 1);
    const [entry] = readDb<{ changes: string }>(
      'SELECT changes FROM change_log WHERE environment_id = 1 ORDER BY revision DESC LIMIT 1',
    );
    expect(JSON.parse(entry!.changes)).toEqual([{ kind: 'flag', key: 'old-flag', op: 'delete', version: 1 }]);

    const frozen = await call('POST', `${flagConfig('old-flag')}/toggle`, { body: { on: true } });
    expect(frozen.status).toBe(409);
    expect(frozen.body.error.code).toBe('archived');
    const listed = (await call('GET', `${base}/flags`)).body.items.map((f: { key: string }) => f.key);
    expect(listed).not.toContain('old-flag');
    const archivedList = (await call('GET', `${base}/flags?archived=true`)).body.items.map(
      (f: { key: string }) => f.key,
    );
    expect(archivedList).toEqual(['old-flag']);
    expect((await call('GET', `${base}/flags?archived=maybe`)).status).toBe(400);

    const again = await call('POST', `${base}/flags/old-flag/archive`);
    expect(again.body).toMatchObject({ archived: true, version: 2, archivedAt: archived.body.archivedAt });
    expect(await envRevisions()).toEqual(after);

    const restored = await call('POST', `${base}/flags/old-flag/restore`);
    expect(restored.body).toMatchObject({ archived: false, archivedAt: null, version: 3 });
    const [back] = readDb<{ changes: string }>(
      'SELECT changes FROM change_log WHERE environment_id = 1 ORDER BY revision DESC LIMIT 1',
    );
    expect(JSON.parse(back!.changes)).toEqual([{ kind: 'flag', key: 'old-flag', op: 'upsert', version: 1 }]);
    expect((await call('POST', `${flagConfig('old-flag')}/toggle`, { body: { on: true } })).status).toBe(200);
  });
});

async function envRevisions(): Promise<Record<string, number>> {
  const items = (await call('GET', `${base}/environments`)).body.items as Array<{
    key: string;
    revision: number;
  }>;
  return Object.fromEntries(items.map((e) => [e.key, e.revision]));
}

describe('rule rollouts', () => {
  it("sets one rule's percentage rollout and weights by rule id", async () => {
    await createFlag('canary');
    const cfg = (await call('GET', flagConfig('canary'))).body;
    const withRule = await call('PUT', flagConfig('canary'), {
      body: {
        ...cfg,
        on: true,
        rules: [
          {
            id: 'beta-users',
            clauses: [{ attribute: 'plan', op: 'in', values: ['beta'] }],
            serve: { variation: 0 },
          },
          { id: 'everyone', clauses: [], serve: { variation: 1 } },
        ],
      },
      headers: { 'If-Match': `"${cfg.version}"` },
    });
    expect(withRule.status).toBe(200);
    const rollout = {
      rollout: {
        variations: [
          { variation: 0, weight: 1_000 },
          { variation: 1, weight: 99_000 },
        ],
      },
    };
    const set = await call('PUT', `${flagConfig('canary')}/rules/everyone/serve`, { body: rollout });
    expect(set.status).toBe(200);
    expect(set.body.rules[1].serve).toEqual(rollout);
    expect(set.body.rules[0].serve).toEqual({ variation: 0 });
    const wrongSum = await call('PUT', `${flagConfig('canary')}/rules/everyone/serve`, {
      body: { rollout: { variations: [{ variation: 0, weight: 10 }] } },
    });
    expect(wrongSum.status).toBe(422);
    expect(issuePaths(wrongSum)[0]).toMatch(/^rollout/);
    expect(
      (await call('PUT', `${flagConfig('canary')}/rules/nope/serve`, { body: { variation: 0 } })).status,
    ).toBe(404);
    const stale = await call('PUT', `${flagConfig('canary')}/rules/everyone/serve`, {
      body: { variation: 1 },
      headers: { 'If-Match': '"1"' },
    });
    expect(stale.status).toBe(412);
  });
});

describe('promotion', () => {
  it("copies a flag's config between environments, with segments checked", async () => {
    await createFlag('promo');
    const dev = (await call('GET', flagConfig('promo'))).body;
    const targeted = await call('PUT', flagConfig('promo'), {
      body: { ...dev, on: true, targets: [{ variation: 0, values: ['alice'] }] },
      headers: { 'If-Match': `"${dev.version}"` },
    });
    expect(targeted.status).toBe(200);
    const promoted = await call('POST', `${base}/flags/promo/promote`, {
      body: { from: 'development', to: 'staging' },
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({
      on: true,
      targets: [{ variation: 0, values: ['alice'] }],
      version: 2,
    });
    expect((await call('GET', flagConfig('promo', 'staging'))).body.on).toBe(true);
    const [rev] = (await call('GET', `${flagConfig('promo', 'staging')}/revisions?limit=1`)).body.items;
    expect(rev.comment).toBe('promoted from development (version 2) in default');

    const stale = await call('POST', `${base}/flags/promo/promote`, {
      body: { from: 'development', to: 'production' },
      headers: { 'If-Match': '"5"' },
    });
    expect(stale.status).toBe(412);
    expect(
      (
        await call('POST', `${base}/flags/promo/promote`, {
          body: { from: 'development', to: 'development' },
        })
      ).status,
    ).toBe(422);
    expect(
      (await call('POST', `${base}/flags/promo/promote`, { body: { from: 'development', to: 'mars' } }))
        .status,
    ).toBe(404);

    // A config that uses a segment the target lacks is refused, naming the use.
    await call('PUT', segment('vip'), { body: { included: ['v'] } });
    const cur = (await call('GET', flagConfig('promo'))).body;
    await call('PUT', flagConfig('promo'), {
      body: {
        ...cur,
        rules: [
          {
            id: 'vip',
            clauses: [{ attribute: 'key', op: 'segmentMatch', values: ['vip'] }],
            serve: { variation: 0 },
          },
        ],
      },
      headers: { 'If-Match': `"${cur.version}"` },
    });
    const missing = await call('POST', `${base}/flags/promo/promote`, {
      body: { from: 'development', to: 'production' },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatchObject({
      code: 'missing_segments',
      issues: [{ path: 'rules.0.clauses.0.values.0' }],
    });
    expect((await call('GET', flagConfig('promo', 'production'))).body.version).toBe(1);
  });
});

describe('flag config diff', () => {
  it('answers the JSON Patch between two versions', async () => {
    await createFlag('diffy');
    await call('POST', `${flagConfig('diffy')}/toggle`, { body: { on: true } });
    await call('POST', `${flagConfig('diffy')}/targets`, { body: { variation: 0, add: ['bob'] } });
    const diff = await call('GET', `${flagConfig('diffy')}/diff?from=1&to=3`);
    expect(diff.status).toBe(200);
    expect(diff.body.patch).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/on', value: true },
        { op: 'add', path: '/targets', value: [{ variation: 0, values: ['bob'] }] },
        { op: 'replace', path: '/version', value: 3 },
      ]),
    );
    expect(diff.body.patch).toHaveLength(3);
    const back = await call('GET', `${flagConfig('diffy')}/diff?from=3&to=1`);
    expect(back.body.patch).toEqual(expect.arrayContaining([{ op: 'remove', path: '/targets' }]));
    expect((await call('GET', `${flagConfig('diffy')}/diff`)).status).toBe(400);
  });
});

describe('audit log', () => {
  it('lists every change newest first, filtered by environment, kind, key, actor and time, with pagination', async () => {
    const start = new Date().toISOString();
    await createFlag('audited');
    await call('POST', `${flagConfig('audited', 'production')}/toggle`, {
      body: { on: true },
      headers: { 'X-Ensign-Comment': encodeURIComponent('release – go') },
    });
    const all = await call('GET', `${base}/audit?key=audited`);
    expect(
      all.body.items.map((e: { kind: string; environment: string | null }) => [e.kind, e.environment]),
    ).toEqual([
      ['flag_config', 'production'],
      ...[...(await call('GET', `${base}/environments`)).body.items]
        .reverse()
        .map((e: { key: string }) => ['flag_config', e.key]),
      ['flag', null],
    ]);
    const prod = await call('GET', `${base}/audit?key=audited&environment=production&kind=flag_config`);
    expect(prod.body.items).toHaveLength(2);
    expect(prod.body.items[0]).toMatchObject({
      actor: 'admin',
      comment: 'release – go',
      version: 2,
      before: { on: false },
      after: { on: true },
    });
    expect((await call('GET', `${base}/audit?key=audited&actor=nobody`)).body.items).toEqual([]);
    expect(
      (await call('GET', `${base}/audit?key=audited&since=${encodeURIComponent(start)}`)).body.items.length,
    ).toBe(all.body.items.length);
    expect(
      (await call('GET', `${base}/audit?key=audited&until=${encodeURIComponent(start)}`)).body.items,
    ).toEqual([]);

    const page1 = await call('GET', `${base}/audit?key=audited&limit=2`);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await call('GET', `${base}/audit?key=audited&limit=2&before=${page1.body.next.before}`);
    expect(page2.body.items[0].id).toBeLessThan(page1.body.items[1].id);

    for (const q of ['kind=nope', 'since=yesterday', 'limit=0', 'limit=101', 'before=-1'])
      expect((await call('GET', `${base}/audit?${q}`)).status).toBe(400);
    expect((await call('GET', `${base}/audit?environment=mars`)).status).toBe(404);
  });
});

describe('reference', () => {
  it('serves the OpenAPI 3.1 document and the /docs page without a key', async () => {
    const doc = await call('GET', '/api/openapi.json', { key: null });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/projects/{project}/environments/{env}/segments/{segment}',
        '/api/v1/projects/{project}/audit',
        '/api/v1/api-keys/{id}',
      ]),
    );
    const put = doc.body.paths['/api/v1/projects/{project}/environments/{env}/flags/{flag}'].put;
    expect(put.requestBody.content['application/json'].schema.properties.rules).toBeDefined();
    expect(Object.keys(put.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '412', '422', '428']),
    );
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('/api/openapi.json');
  });
});
