/**
 * Integration: the built server as a real process on 127.0.0.1, with a real SQLite file in a temp
 * directory. Build first (vitest's global setup does).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { printedKeys } from './api-client.js';
import { kill, type ServerProcess, spawnServer, startServer, within } from './server-process.js';

let dir: string;
let db: string;
const running: ServerProcess[] = [];

async function start(args: string[] = []): Promise<ServerProcess> {
  const server = await startServer(db, args);
  running.push(server);
  return server;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-it-'));
  db = join(dir, 'data', 'ensign.db');
});

afterEach(async () => {
  for (const server of running.splice(0)) await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('first start and restart', () => {
  it('prints the keys once, keeps stdout JSON-only, and the keys work after a restart', async () => {
    const first = await start();
    const ready = await fetch(`${first.url}/readyz`);
    expect(ready.status).toBe(200);
    const keys = printedKeys(first.stderr());
    expect([...keys.keys()]).toEqual([
      'admin',
      'development server SDK',
      'development client SDK',
      'staging server SDK',
      'staging client SDK',
      'production server SDK',
      'production client SDK',
    ]);
    expect(first.stderr()).toContain(`${first.url}/api/v1`);
    expect(first.lines.some((l) => l.msg.startsWith('first start'))).toBe(true);

    // The database holds hashes, never the secrets.
    const raw = new BetterSqlite3(db, { readonly: true });
    const stored = JSON.stringify(raw.prepare('SELECT * FROM api_keys').all());
    raw.close();
    for (const secret of keys.values()) expect(stored).not.toContain(secret);

    first.child.kill('SIGTERM');
    expect(await within(first.exited, 15_000, 'exit')).toBe(0);

    const second = await start();
    expect(printedKeys(second.stderr()).size).toBe(0);
    expect(second.stderr()).not.toContain('ens_');
    expect(second.lines.some((l) => l.msg.startsWith('first start'))).toBe(false);

    const get = (key?: string) =>
      fetch(
        `${second.url}/api/v1/projects`,
        key === undefined ? {} : { headers: { Authorization: `Bearer ${key}` } },
      );
    expect((await get()).status).toBe(401);
    expect((await get(`${keys.get('admin')!.slice(0, -1)}x`)).status).toBe(401);
    expect((await get(keys.get('staging server SDK'))).status).toBe(403);
    expect((await get(keys.get('production client SDK'))).status).toBe(403);
    const ok = await get(keys.get('admin'));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      items: [{ key: 'default', environments: [{ key: 'development' }, {}, {}] }],
    });

    for (const server of [first, second]) expect(server.nonJson).toEqual([]);
  });

  it('bootstraps once when two processes start on the same empty database', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const printed = [a, b].map((s) => printedKeys(s.stderr()).size).sort();
    expect(printed).toEqual([0, 7]);
    const raw = new BetterSqlite3(db, { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM projects').get()).toEqual({ n: 1 });
    expect(raw.prepare('SELECT count(*) AS n FROM api_keys').get()).toEqual({ n: 7 });
    raw.close();
  });
});

describe('HTTP behaviour', () => {
  it('answers 404 and malformed JSON in the error shape, and logs one line per request with its id', async () => {
    const server = await start();
    const admin = printedKeys(server.stderr()).get('admin')!;

    const missing = await fetch(`${server.url}/no/such/route`, { headers: { 'X-Request-Id': 'it-404' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toBe('it-404');
    expect(await missing.json()).toEqual({
      error: { code: 'not_found', message: 'No route for GET /no/such/route' },
    });

    const malformed = await fetch(`${server.url}/api/v1/projects`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${admin}`,
        'Content-Type': 'application/json',
        'X-Request-Id': 'it-400',
      },
      body: '{"key": "x", ',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'bad_request' } });

    // (Successful probes log at debug, below the default level: use an ordinary request.)
    const generated = await fetch(`${server.url}/api/openapi.json`);
    const id = generated.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    await server.waitForLine((l) => l.requestId === id);
    for (const [requestId, status, path] of [
      ['it-404', 404, '/no/such/route'],
      ['it-400', 400, '/api/v1/projects'],
      [id, 200, '/api/openapi.json'],
    ] as const) {
      const logged = server.lines.filter((l) => l.requestId === requestId);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ level: 'info', msg: 'request', status, path });
      expect(typeof logged[0]!.durationMs).toBe('number');
    }
    expect(server.nonJson).toEqual([]);
  });

  it('closes a request whose body never finishes without affecting others', async () => {
    const server = await start();
    const { port } = new URL(server.url);
    // Announces 100 bytes, sends 5, then hangs up: must not crash or wedge the server.
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/projects',
        headers: { 'Content-Length': '100' },
      });
      req.on('error', () => resolve());
      req.write('{"ke', () => {
        req.destroy();
        resolve();
      });
    });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});

describe('shutdown', () => {
  it('on SIGTERM: readiness 503 at once, requests served during the grace period, exit 0, database intact', async () => {
    const server = await start(['--shutdown-grace-ms', '2000']);
    const admin = printedKeys(server.stderr()).get('admin')!;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    server.child.kill('SIGTERM');
    await server.waitForLine((l) => l.msg.startsWith('draining'));
    const readyz = await fetch(`${server.url}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.json()).toMatchObject({ status: 'unavailable', checks: { phase: 'draining' } });
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
    const during = await fetch(`${server.url}/api/v1/projects`, {
      headers: { Authorization: `Bearer ${admin}` },
    });
    expect(during.status).toBe(200);

    expect(await within(server.exited, 10_000, 'exit after SIGTERM')).toBe(0);
    expect(server.lines.at(-1)?.msg).toBe('stopped');

    // Closed cleanly: the WAL was checkpointed and removed, and the file passes an integrity check.
    expect(existsSync(`${db}-wal`)).toBe(false);
    const raw = new BetterSqlite3(db);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(raw.prepare('SELECT key FROM projects').all()).toEqual([{ key: 'default' }]);
    raw.close();
  });

  it('exits 0 on SIGINT too', async () => {
    const server = await start(['--shutdown-grace-ms', '0']);
    server.child.kill('SIGINT');
    expect(await within(server.exited, 10_000, 'exit after SIGINT')).toBe(0);
  });
});

describe('configuration errors', () => {
  it.each([[['--port', 'eighty']], [['--bogus']], [['--log-level', 'chatty']]])(
    'exits 2 for %j',
    async (args) => {
      const server = spawnServer(args);
      running.push(server);
      expect(await within(server.exited, 10_000, 'exit')).toBe(2);
      expect(server.stderr()).toMatch(/^ensign-server: invalid configuration:/);
    },
  );
});

describe('several processes on one database', () => {
  it('hand out gap-free environment revisions and one change-log row per revision', async () => {
    const server = await start();
    server.child.kill('SIGTERM');
    expect(await within(server.exited, 15_000, 'exit')).toBe(0);
    const raw = new BetterSqlite3(db);
    const { id } = raw.prepare("SELECT id FROM environments WHERE key = 'production'").get() as {
      id: number;
    };
    raw.close();

    const worker = fileURLToPath(new URL('./fixtures/commit-worker.mjs', import.meta.url));
    const run = promisify(execFile);
    const perProcess = 150;
    const outputs = await within(
      Promise.all(
        ['p1', 'p2', 'p3'].map((actor) =>
          run(process.execPath, [worker, db, String(id), String(perProcess), actor]),
        ),
      ),
      60_000,
      'the commit workers',
    );
    const seen = outputs.flatMap((o) => JSON.parse(o.stdout) as number[]);
    const total = perProcess * 3;
    // Every process saw its own revisions strictly increasing; together they cover 1..total exactly once.
    for (const o of outputs) {
      const mine = JSON.parse(o.stdout) as number[];
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }
    expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i + 1));

    const check = new BetterSqlite3(db, { readonly: true });
    expect(check.prepare('SELECT revision FROM environments WHERE id = ?').get(id)).toEqual({
      revision: total,
    });
    const log = check
      .prepare('SELECT revision FROM change_log WHERE environment_id = ? ORDER BY revision')
      .all(id);
    expect(log.map((r) => (r as { revision: number }).revision)).toEqual(
      Array.from({ length: total }, (_, i) => i + 1),
    );
    expect(check.prepare('SELECT count(*) AS n FROM revisions WHERE environment_id = ?').get(id)).toEqual({
      n: total,
    });
    check.close();
  });
});
