/**
 * Integration: crash durability. 1,000 flag changes (creates, toggles, target edits) are sent 50 at a
 * time; the server is killed with SIGKILL after 300 of them were acknowledged. Then the SQLite file
 * (read directly, read-only) and the restarted server must agree that every acknowledged write is
 * there, that each environment's history is gap-free and consistent, and that every request whose
 * connection broke was applied either completely or not at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, printedKeys } from './api-client.js';
import { json, type Outcome, type RawRequest, send } from './raw-http.js';
import { kill, type ServerProcess, startServer, within } from './server-process.js';

const total = 1_000;
const inFlight = 50;
const killAfter = 300;
const environments = ['development', 'staging', 'production'] as const;
const baseFlags = ['dur-0', 'dur-1', 'dur-2', 'dur-3'];
const flags = '/api/v1/projects/default/flags';
const config = (env: string, flag: string) => `/api/v1/projects/default/environments/${env}/flags/${flag}`;

let dir: string;
let db: string;
const running: ServerProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-durability-'));
  db = join(dir, 'ensign.db');
});

afterAll(async () => {
  for (const server of running) await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

/** One planned change; `comment` (X-Ensign-Comment) finds its revisions in the file. */
type Op = { index: number; comment: string; request: RawRequest } & (
  | { kind: 'create'; flag: string }
  | { kind: 'toggle'; flag: string; env: string }
  | { kind: 'targets'; flag: string; env: string; variation: number; target: string }
);

function plan(admin: string): Op[] {
  return Array.from({ length: total }, (_, index): Op => {
    const comment = `op-${index}`;
    const headers = {
      Authorization: `Bearer ${admin}`,
      'X-Ensign-Comment': comment,
      'X-Request-Id': comment,
    };
    const flag = baseFlags[index % baseFlags.length]!;
    const env = environments[Math.floor(index / 4) % environments.length]!;
    if (index % 10 === 0) {
      const key = `new-${index}`;
      const body = { key, name: key, type: 'boolean', variations: [true, false] };
      return {
        index,
        comment,
        kind: 'create',
        flag: key,
        request: { method: 'POST', path: flags, headers, json: body },
      };
    }
    if (index % 2 === 1) {
      const request = {
        method: 'POST',
        path: `${config(env, flag)}/toggle`,
        headers,
        json: { on: index % 4 === 1 },
      };
      return { index, comment, kind: 'toggle', flag, env, request };
    }
    const target = `user-${index}`;
    const variation = (index / 2) % 2;
    const request = {
      method: 'POST',
      path: `${config(env, flag)}/targets`,
      headers,
      json: { variation, add: [target] },
    };
    return { index, comment, kind: 'targets', flag, env, variation, target, request };
  });
}

interface Row {
  environment_id: number | null;
  entity_kind: string;
  entity_key: string;
  version: number;
  environment_revision: number | null;
  comment: string | null;
  after: string | null;
}

/** What the file holds, read with a separate read-only connection. */
function readFile() {
  const raw = new BetterSqlite3(db, { readonly: true });
  try {
    return {
      integrity: raw.pragma('integrity_check', { simple: true }),
      environments: raw.prepare('SELECT id, key, revision FROM environments ORDER BY id').all() as Array<{
        id: number;
        key: string;
        revision: number;
      }>,
      flags: (raw.prepare('SELECT key FROM flags ORDER BY key').all() as Array<{ key: string }>).map(
        (r) => r.key,
      ),
      revisions: raw
        .prepare(
          'SELECT environment_id, entity_kind, entity_key, version, environment_revision, comment, after FROM revisions',
        )
        .all() as Row[],
      changeLog: raw.prepare('SELECT environment_id, revision, changes FROM change_log').all() as Array<{
        environment_id: number;
        revision: number;
        changes: string;
      }>,
      configs: raw
        .prepare(
          'SELECT c.environment_id, f.key, c.version, c.config FROM flag_configs c JOIN flags f ON f.id = c.flag_id',
        )
        .all() as Array<{ environment_id: number; key: string; version: number; config: string }>,
    };
  } finally {
    raw.close();
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const is2xx = (o: Outcome | undefined): o is Extract<Outcome, { kind: 'response' }> =>
  o?.kind === 'response' && o.status >= 200 && o.status < 300;
/** The target keys a config serves `variation` to. */
const targetsOf = (config: { targets?: Array<{ variation: number; values: string[] }> }, variation: number) =>
  new Set(config.targets?.find((t) => t.variation === variation)?.values ?? []);

it('keeps every acknowledged write and no partial one across a SIGKILL mid-load', async () => {
  const first = await startServer(db);
  running.push(first);
  const admin = printedKeys(first.stderr()).get('admin')!;
  const setup = apiClient(first, admin);
  for (const key of baseFlags) {
    const res = await setup('POST', flags, {
      body: { key, name: key, type: 'boolean', variations: [true, false] },
    });
    expect(res.status).toBe(201);
  }

  // The load: a pool of 50 requests in flight, SIGKILL as soon as 300 were answered 2xx.
  const ops = plan(admin);
  const outcomes = new Map<number, Outcome>();
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  let next = 0;
  let acknowledged = 0;
  let killed = false;
  const worker = async () => {
    while (!killed && next < ops.length) {
      const op = ops[next++]!;
      const outcome = await send(first.url, agent, op.request);
      outcomes.set(op.index, outcome);
      if (is2xx(outcome) && ++acknowledged === killAfter) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    }
  };
  await within(Promise.all(Array.from({ length: inFlight }, worker)), 30_000, 'the load');
  agent.destroy();
  expect(await within(first.exited, 5_000, 'the killed server to exit')).toBeNull();
  expect(killed).toBe(true);
  const broken = ops.filter((op) => outcomes.get(op.index)?.kind === 'error');
  // The kill hit requests in flight (else this test proves nothing about partial commits).
  expect(broken.length).toBeGreaterThan(0);

  // 1. The file as the crash left it.
  const file = readFile();
  expect(file.integrity).toBe('ok');
  const envId = new Map(file.environments.map((e) => [e.key, e.id]));
  for (const env of file.environments) {
    const revisions = file.revisions.filter((r) => r.environment_id === env.id);
    // One revision per environment revision (every commit here changes one config), numbered 1..N.
    expect(revisions.map((r) => r.environment_revision).sort((a, b) => a! - b!)).toEqual(range(env.revision));
    const log = file.changeLog
      .filter((l) => l.environment_id === env.id)
      .sort((a, b) => a.revision - b.revision);
    expect(log.map((l) => l.revision)).toEqual(range(env.revision));
    for (const entry of log) {
      const revision = revisions.find((r) => r.environment_revision === entry.revision)!;
      expect(JSON.parse(entry.changes)).toEqual([
        { kind: 'flag', key: revision.entity_key, op: 'upsert', version: revision.version },
      ]);
    }
  }
  const configs = new Map(file.configs.map((c) => [`${c.environment_id}/${c.key}`, c]));
  expect(configs.size).toBe(file.flags.length * environments.length);
  for (const c of file.configs) {
    const history = file.revisions
      .filter((r) => r.environment_id === c.environment_id && r.entity_key === c.key)
      .sort((a, b) => a.version - b.version);
    expect(history.map((r) => r.version)).toEqual(range(c.version));
    expect(JSON.parse(history.at(-1)!.after!)).toEqual(JSON.parse(c.config));
  }
  const configOf = (env: string, flag: string) =>
    JSON.parse(configs.get(`${envId.get(env)}/${flag}`)!.config) as Parameters<typeof targetsOf>[0];

  let applied = 0;
  for (const op of ops) {
    const outcome = outcomes.get(op.index);
    const mine = file.revisions.filter((r) => r.comment === op.comment);
    const expected = op.kind === 'create' ? 1 + environments.length : 1;
    const context = { op: op.comment, kind: op.kind, outcome: outcome?.kind, revisions: mine.length };
    if (is2xx(outcome)) {
      expect(mine.length, JSON.stringify(context)).toBe(expected);
      if (op.kind === 'create') {
        expect(file.flags).toContain(op.flag);
        continue;
      }
      const body = json(outcome) as { version: number };
      const [revision] = mine;
      expect(revision).toMatchObject({
        environment_id: envId.get(op.env),
        entity_key: op.flag,
        version: body.version,
      });
      expect(JSON.parse(revision!.after!)).toEqual(body);
      if (op.kind === 'targets')
        expect(targetsOf(configOf(op.env, op.flag), op.variation)).toContain(op.target);
    } else if (outcome?.kind === 'error') {
      // Broken connection: the whole change or nothing.
      expect([0, expected], JSON.stringify(context)).toContain(mine.length);
      if (mine.length > 0) applied++;
      if (op.kind === 'create') expect(file.flags.includes(op.flag)).toBe(mine.length > 0);
      if (op.kind === 'targets')
        expect(targetsOf(configOf(op.env, op.flag), op.variation).has(op.target)).toBe(mine.length > 0);
    } else {
      // Answered with an error status, or never sent: nothing.
      expect(mine, JSON.stringify(context)).toEqual([]);
      if (op.kind === 'create') expect(file.flags).not.toContain(op.flag);
    }
  }
  // Every revision in the file belongs to the setup or to one of the ops.
  const opComments = new Set(ops.map((op) => op.comment));
  expect(file.revisions.filter((r) => r.comment !== null && !opComments.has(r.comment))).toEqual([]);
  expect(file.revisions.filter((r) => r.comment === null)).toHaveLength(
    baseFlags.length * (1 + environments.length),
  );
  expect(applied).toBeLessThanOrEqual(broken.length);

  // 2. The restarted server on the same file serves exactly that state, and keeps counting from it.
  const second = await startServer(db);
  running.push(second);
  const call = apiClient(second, admin);
  const projects = await call('GET', '/api/v1/projects');
  expect(projects.status).toBe(200);
  const counters = Object.fromEntries(
    projects.body.items[0].environments.map((e: { key: string; revision: number }) => [e.key, e.revision]),
  );
  expect(counters).toEqual(Object.fromEntries(file.environments.map((e) => [e.key, e.revision])));
  const served = new Map<string, Parameters<typeof targetsOf>[0]>();
  for (const env of environments) {
    const responses = await Promise.all(file.flags.map((flag) => call('GET', config(env, flag))));
    responses.forEach((res, i) => {
      const flag = file.flags[i]!;
      expect(res.status).toBe(200);
      expect(res.body).toEqual(configOf(env, flag));
      expect(res.headers.get('etag')).toBe(`"${res.body.version}"`);
      served.set(`${env}/${flag}`, res.body);
    });
  }
  for (const op of ops) {
    if (op.kind === 'targets' && is2xx(outcomes.get(op.index)))
      expect(targetsOf(served.get(`${op.env}/${op.flag}`)!, op.variation)).toContain(op.target);
  }
  const after = await call('POST', `${config('production', 'dur-0')}/toggle`, { body: { on: true } });
  expect(after.status).toBe(200);
  const later = await call('GET', '/api/v1/projects');
  expect(later.body.items[0].environments.find((e: { key: string }) => e.key === 'production').revision).toBe(
    counters.production + 1,
  );
}, 55_000);
