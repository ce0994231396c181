import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Flag } from '@ensign/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BootstrapSeed, Store } from '../store.js';
import { StoreError } from '../store-error.js';
import { readMigrations } from './migrate.js';
import { openSqliteStore } from './sqlite-store.js';

const seed: BootstrapSeed = {
  project: { key: 'default', name: 'Default' },
  environments: [
    { key: 'development', name: 'Development' },
    { key: 'production', name: 'Production' },
  ],
  adminKeys: [{ name: 'admin', prefix: 'ens_adm_aaaaaaaa', secretHash: 'a'.repeat(64) }],
  sdkKeys: [
    {
      kind: 'server',
      name: 'dev server',
      prefix: 'ens_srv_bbbbbbbb',
      secretHash: 'b'.repeat(64),
      environmentKey: 'development',
    },
  ],
};

const config = (on: boolean): Omit<Flag, 'key' | 'version'> => ({
  type: 'boolean',
  on,
  variations: [true, false],
  offVariation: 1,
  fallthrough: { variation: 0 },
});

let dir: string;
let path: string;
const opened: Store[] = [];

async function open(): Promise<Store> {
  const store = openSqliteStore({ path });
  opened.push(store);
  await store.migrate();
  return store;
}

/** A bootstrapped store with a `checkout` flag; returns the ids the tests need. */
async function prepared(store: Store) {
  await store.bootstrap(seed);
  const project = (await store.getProject('default'))!;
  await store.createFlag(
    project.id,
    { key: 'checkout', name: 'Checkout', type: 'boolean', variations: [true, false] },
    { actor: 't' },
    { type: 'boolean', on: false, variations: [true, false], offVariation: 1, fallthrough: { variation: 1 } },
  );
  // Creating the flag gave each environment its first revision: an OFF config at version 1.
  const dev = (await store.getEnvironment(project.id, 'development'))!;
  const prod = (await store.getEnvironment(project.id, 'production'))!;
  return { project, dev, prod };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-store-'));
  path = join(dir, 'nested', 'ensign.db');
});

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('opening and migrating', () => {
  it('creates the directory, uses WAL and foreign keys, and reports healthy after migrating', async () => {
    const store = openSqliteStore({ path });
    opened.push(store);
    expect(await store.health()).toEqual({ database: true, migrations: false });
    expect(await store.migrate()).toBe(readMigrations().length);
    expect(await store.health()).toEqual({ database: true, migrations: true });
    expect(await store.migrate()).toBe(0);

    const raw = new BetterSqlite3(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('reports unhealthy once closed', async () => {
    const store = await open();
    await store.close();
    expect(await store.health()).toEqual({ database: false, migrations: false });
  });

  it('applies migrations once when two stores migrate the same file', async () => {
    const a = openSqliteStore({ path });
    const b = openSqliteStore({ path });
    opened.push(a, b);
    const counts = await Promise.all([a.migrate(), b.migrate()]);
    expect(counts.sort()).toEqual([0, readMigrations().length]);
  });
});

describe('bootstrap', () => {
  it('seeds an empty database once', async () => {
    const store = await open();
    expect(await store.bootstrap(seed)).toBe(true);
    expect(await store.bootstrap(seed)).toBe(false);
    const [project] = await store.listProjects();
    expect(project?.key).toBe('default');
    expect((await store.listEnvironments(project!.id)).map((e) => [e.key, e.revision])).toEqual([
      ['development', 0],
      ['production', 0],
    ]);
    const keys = await store.listApiKeys();
    expect(keys.map((k) => [k.kind, k.environmentId === null])).toEqual([
      ['admin', true],
      ['server', false],
    ]);
  });
});

describe('api keys', () => {
  it('finds by prefix, revokes once, and rejects a duplicate prefix as a conflict', async () => {
    const store = await open();
    await store.bootstrap(seed);
    const key = (await store.findApiKeyByPrefix('ens_adm_aaaaaaaa'))!;
    expect(key.revokedAt).toBeNull();
    // The seed's only admin key: revoking it would lock everyone out.
    await expect(store.revokeApiKey(key.id)).rejects.toMatchObject({ code: 'conflict' });
    await store.createApiKey({
      kind: 'admin',
      name: 'second',
      environmentId: null,
      prefix: 'ens_adm_bbbbbbbb',
      secretHash: 'b',
    });
    const revoked = await store.revokeApiKey(key.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await store.revokeApiKey(key.id)).revokedAt).toEqual(revoked.revokedAt);
    await expect(store.revokeApiKey(9_999)).rejects.toMatchObject({ code: 'not_found' });
    expect((await store.findApiKeyByPrefix('ens_adm_aaaaaaaa'))!.revokedAt).toBeInstanceOf(Date);
    await expect(
      store.createApiKey({
        kind: 'admin',
        name: 'x',
        environmentId: null,
        prefix: key.prefix,
        secretHash: 'c',
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('enforces the scope of each kind in the schema', async () => {
    const store = await open();
    await expect(
      store.createApiKey({ kind: 'server', name: 'x', environmentId: null, prefix: 'p1', secretHash: 'c' }),
    ).rejects.toThrow(/CHECK constraint/);
  });
});

describe('commit', () => {
  it('bumps the environment revision and writes the config, a revision and a change-log row', async () => {
    const store = await open();
    const { project, dev, prod } = await prepared(store);

    const first = await store.commit({
      environmentId: dev.id,
      actor: 'alice',
      comment: 'launch',
      changes: [{ kind: 'flag', key: 'checkout', config: config(true), ifVersion: 1 }],
    });
    expect(first.revision).toBe(2);
    expect(first.changes).toMatchObject([{ kind: 'flag', key: 'checkout', op: 'upsert', version: 2 }]);
    expect(await store.getFlagConfig(dev.id, 'checkout')).toMatchObject({
      key: 'checkout',
      version: 2,
      on: true,
    });

    const second = await store.commit({
      environmentId: dev.id,
      actor: 'bob',
      changes: [
        { kind: 'flag', key: 'checkout', config: config(false), ifVersion: 2 },
        { kind: 'segment', key: 'beta', config: { included: ['u1'] } },
      ],
    });
    expect(second.revision).toBe(3);
    expect((await store.listEnvironments(project.id)).map((e) => e.revision)).toEqual([3, 1]);
    expect(prod.revision).toBe(1);

    expect(await store.changesSince(dev.id, 0)).toMatchObject([
      { revision: 1, changes: [{ kind: 'flag', key: 'checkout', op: 'upsert', version: 1 }] },
      { revision: 2, changes: [{ kind: 'flag', key: 'checkout', op: 'upsert', version: 2 }] },
      {
        revision: 3,
        changes: [
          { kind: 'flag', key: 'checkout', op: 'upsert', version: 3 },
          { kind: 'segment', key: 'beta', op: 'upsert', version: 1 },
        ],
      },
    ]);
    expect(await store.changesSince(dev.id, 3)).toEqual([]);

    const history = await store.listRevisions({
      projectId: project.id,
      entityKind: 'flag_config',
      entityKey: 'checkout',
      environmentId: dev.id,
    });
    expect(history.map((r) => [r.version, r.environmentRevision, r.actor, r.comment])).toEqual([
      [3, 3, 'bob', null],
      [2, 2, 'alice', 'launch'],
      [1, 1, 't', null],
    ]);
    expect(history[0]!.before).toMatchObject({ on: true, version: 2 });
    expect(history[0]!.after).toMatchObject({ on: false, version: 3 });
  });

  it('writes nothing, not even the counter, when a version check fails', async () => {
    const store = await open();
    const { project, dev } = await prepared(store);
    await store.commit({
      environmentId: dev.id,
      actor: 'a',
      changes: [{ kind: 'flag', key: 'checkout', config: config(true) }],
    });

    const stale = store.commit({
      environmentId: dev.id,
      actor: 'b',
      changes: [
        { kind: 'segment', key: 'beta', config: { included: ['u1'] } },
        { kind: 'flag', key: 'checkout', config: config(false), ifVersion: 1 },
      ],
    });
    await expect(stale).rejects.toBeInstanceOf(StoreError);
    await expect(stale).rejects.toMatchObject({ code: 'version_mismatch', currentVersion: 2 });

    expect((await store.getEnvironment(project.id, 'development'))!.revision).toBe(2);
    expect(await store.getSegment(dev.id, 'beta')).toBeUndefined();
    expect(await store.changesSince(dev.id, 0)).toHaveLength(2);
  });

  it('refuses unknown flags, unknown environments and deleting what does not exist', async () => {
    const store = await open();
    const { dev } = await prepared(store);
    await expect(
      store.commit({
        environmentId: dev.id,
        actor: 'a',
        changes: [{ kind: 'flag', key: 'nope', config: config(true) }],
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      store.commit({
        environmentId: 999,
        actor: 'a',
        changes: [{ kind: 'flag', key: 'checkout', config: config(true) }],
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      store.commit({
        environmentId: dev.id,
        actor: 'a',
        changes: [{ kind: 'segment', key: 'beta', config: null }],
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps versions increasing across a delete and a re-create', async () => {
    const store = await open();
    const { dev } = await prepared(store);
    const put = (c: ReturnType<typeof config> | null) =>
      store.commit({
        environmentId: dev.id,
        actor: 'a',
        changes: [{ kind: 'flag', key: 'checkout', config: c }],
      });
    await put(config(true));
    await put(config(false));
    const deleted = await put(null);
    expect(deleted.changes[0]).toMatchObject({ op: 'delete', version: 3 });
    expect(await store.getFlagConfig(dev.id, 'checkout')).toBeUndefined();
    const recreated = await put(config(true));
    expect(recreated.changes[0]).toMatchObject({ op: 'upsert', version: 4 });
    expect(recreated.revision).toBe(5);
  });

  it("lists an entity's revisions by version: one version, and pages below a version", async () => {
    const store = await open();
    const { project, dev, prod } = await prepared(store);
    for (const on of [true, false, true]) {
      await store.commit({
        environmentId: dev.id,
        actor: 'a',
        changes: [{ kind: 'flag', key: 'checkout', config: config(on) }],
      });
    }
    await store.commit({
      environmentId: prod.id,
      actor: 'a',
      changes: [{ kind: 'flag', key: 'checkout', config: config(true) }],
    });
    const of = {
      projectId: project.id,
      environmentId: dev.id,
      entityKind: 'flag_config',
      entityKey: 'checkout',
    } as const;
    const three = await store.listRevisions({ ...of, version: 3 });
    expect(three.map((r) => [r.version, (r.after as { on: boolean }).on])).toEqual([[3, false]]);
    const page = await store.listRevisions({ ...of, beforeVersion: 3, limit: 1 });
    expect(page.map((r) => r.version)).toEqual([2]);
    expect((await store.listRevisions(of)).map((r) => r.version)).toEqual([4, 3, 2, 1]);
  });

  it('keeps revisions immutable in the database itself', async () => {
    const store = await open();
    const { dev } = await prepared(store);
    await store.commit({
      environmentId: dev.id,
      actor: 'a',
      changes: [{ kind: 'flag', key: 'checkout', config: config(true) }],
    });
    const raw = new BetterSqlite3(path);
    expect(() => raw.prepare("UPDATE revisions SET actor = 'mallory'").run()).toThrow(/immutable/);
    expect(() => raw.prepare('DELETE FROM revisions').run()).toThrow(/immutable/);
    raw.close();
  });
});

describe('two stores on one file (two processes)', () => {
  it('share one gap-free revision counter and see each other’s commits', async () => {
    const a = await open();
    const { dev } = await prepared(a);
    const b = await open();

    const results: number[] = [];
    for (let i = 0; i < 20; i++) {
      const store = i % 2 === 0 ? a : b;
      const { revision } = await store.commit({
        environmentId: dev.id,
        actor: i % 2 === 0 ? 'a' : 'b',
        changes: [{ kind: 'flag', key: 'checkout', config: config(i % 3 === 0) }],
      });
      results.push(revision);
    }
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));

    const viaA = await a.changesSince(dev.id, 1);
    const viaB = await b.changesSince(dev.id, 1);
    expect(viaB).toEqual(viaA);
    expect(viaA.map((e) => e.revision)).toEqual(results);
    expect(viaA.map((e) => e.changes[0]!.version)).toEqual(results);
    expect((await b.getFlagConfig(dev.id, 'checkout'))!.version).toBe(21);

    // An If-Match based on what `a` read is stale once `b` has written.
    const seenByA = (await a.getFlagConfig(dev.id, 'checkout'))!.version;
    await b.commit({
      environmentId: dev.id,
      actor: 'b',
      changes: [{ kind: 'flag', key: 'checkout', config: config(true) }],
    });
    await expect(
      a.commit({
        environmentId: dev.id,
        actor: 'a',
        changes: [{ kind: 'flag', key: 'checkout', config: config(false), ifVersion: seenByA }],
      }),
    ).rejects.toMatchObject({ code: 'version_mismatch', currentVersion: 22 });
  });

  it('fails a commit cleanly while another connection holds the write lock past the busy timeout', async () => {
    const a = await open();
    const { project, dev } = await prepared(a);
    // Another process mid-transaction. (Waiting for it to finish is covered by the multi-process
    // test in test/: better-sqlite3 busy-waits synchronously, so one thread cannot release it.)
    const other = new BetterSqlite3(path);
    other.exec('BEGIN IMMEDIATE');
    const quick = openSqliteStore({ path, busyTimeoutMs: 20 });
    opened.push(quick);
    const put = (store: Store) =>
      store.commit({
        environmentId: dev.id,
        actor: 'q',
        changes: [{ kind: 'flag', key: 'checkout', config: config(true) }],
      });
    await expect(put(quick)).rejects.toThrow(/locked|busy/i);
    other.exec('COMMIT');
    other.close();
    expect((await put(quick)).revision).toBe(2);
    expect((await a.getEnvironment(project.id, 'development'))!.revision).toBe(2);
  });
});
