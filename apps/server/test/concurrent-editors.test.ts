/**
 * Integration: optimistic concurrency under contention. 50 editors edit ONE flag config at once,
 * each doing read (GET, ETag) → modify (add its own target key) → PUT with If-Match, and retrying
 * on 412 until its write lands. No update may be lost: every key ends up in the config, and each of
 * the 50 new versions builds on the one before it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ApiClient, apiClient, printedKeys } from './api-client.js';
import { kill, type ServerProcess, startServer } from './server-process.js';

const editors = 50;
const flag = 'shared';
const path = `/api/v1/projects/default/environments/development/flags/${flag}`;

let dir: string;
let db: string;
let server: ServerProcess;
let call: ApiClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-editors-'));
  db = join(dir, 'ensign.db');
  server = await startServer(db);
  call = apiClient(server, printedKeys(server.stderr()).get('admin')!);
});

afterAll(async () => {
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

interface Target {
  variation: number;
  values: string[];
}

const version = (etag: string | null) => Number(/^"(\d+)"$/.exec(etag ?? '')?.[1]);

async function developmentRevision(): Promise<number> {
  const res = await call('GET', '/api/v1/projects');
  expect(res.status).toBe(200);
  return res.body.items[0].environments.find((e: { key: string }) => e.key === 'development').revision;
}

/** Adds `key` to the targets of variation 0. */
function withTarget(targets: Target[], key: string): Target[] {
  if (!targets.some((t) => t.variation === 0)) return [...targets, { variation: 0, values: [key] }];
  return targets.map((t) => (t.variation === 0 ? { ...t, values: [...t.values, key] } : t));
}

it('50 concurrent read-modify-write editors with If-Match: every edit lands once, none is lost', async () => {
  const created = await call('POST', '/api/v1/projects/default/flags', {
    body: { key: flag, name: flag, type: 'boolean', variations: [true, false] },
  });
  expect(created.status).toBe(201);
  const revisionBefore = await developmentRevision();

  let rejected = 0;
  const editor = async (n: number) => {
    const key = `editor-${n}`;
    for (let attempts = 1; ; attempts++) {
      const read = await call('GET', path);
      expect(read.status).toBe(200);
      const ifMatch = version(read.headers.get('etag'));
      expect(ifMatch).toBe(read.body.version);
      const body = { ...read.body, targets: withTarget(read.body.targets ?? [], key) };
      const put = await call('PUT', path, { body, headers: { 'If-Match': `"${ifMatch}"` } });
      if (put.status === 200) {
        expect(put.body.version).toBe(ifMatch + 1);
        expect(version(put.headers.get('etag'))).toBe(ifMatch + 1);
        return { key, attempts, version: put.body.version as number };
      }
      // Anything but "someone else wrote first" fails the test.
      expect(put.status).toBe(412);
      expect(put.body.error.code).toBe('version_mismatch');
      expect(version(put.headers.get('etag'))).toBeGreaterThan(ifMatch);
      rejected++;
    }
  };
  const results = await Promise.all(Array.from({ length: editors }, (_, n) => editor(n)));

  // Each editor's write landed exactly once, as its own version: 2..51 (version 1 is the create).
  expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(
    Array.from({ length: editors }, (_, i) => i + 2),
  );
  // Every 412 was followed by a retry, and every retry was caused by a 412.
  const retries = results.reduce((sum, r) => sum + r.attempts - 1, 0);
  expect(rejected).toBe(retries);
  expect(await developmentRevision()).toBe(revisionBefore + editors);

  const final = await call('GET', path);
  expect(final.body.version).toBe(1 + editors);
  expect(final.headers.get('etag')).toBe(`"${1 + editors}"`);
  const keys = results.map((r) => r.key).sort();
  expect(final.body.targets).toEqual([{ variation: 0, values: expect.any(Array) }]);
  expect([...final.body.targets[0].values].sort()).toEqual(keys);

  // The history: each version adds exactly one key to the one before (so none was written over).
  const raw = new BetterSqlite3(db, { readonly: true });
  const history = raw
    .prepare(
      "SELECT version, after FROM revisions WHERE entity_kind = 'flag_config' AND entity_key = ? AND environment_id = (SELECT id FROM environments WHERE key = 'development') ORDER BY version",
    )
    .all(flag) as Array<{ version: number; after: string }>;
  raw.close();
  expect(history.map((h) => h.version)).toEqual(Array.from({ length: editors + 1 }, (_, i) => i + 1));
  let previous: string[] = [];
  for (const { version: v, after } of history.slice(1)) {
    const values: string[] = JSON.parse(after).targets[0].values;
    expect(values.slice(0, -1), `version ${v}`).toEqual(previous);
    expect(keys).toContain(values.at(-1));
    previous = values;
  }
}, 45_000);
