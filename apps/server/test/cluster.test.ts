/**
 * Integration: `--workers 2` — two server processes share the port (node:cluster) and the database.
 * The change-log poll is set to 10 minutes, so a change can reach the streams held by the other
 * worker in time only through the primary's relay of commit messages.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, printedKeys } from './api-client.js';
import { kill, type ServerProcess, startServer, within } from './server-process.js';
import { connectSse, json, type SseConnection } from './sse-client.js';

let dir: string;
let server: ServerProcess;
let call: ApiClient;
let keys: Map<string, string>;
const open: SseConnection[] = [];
const base = '/api/v1/projects/default';

/** A status from a new TCP connection each time, so that successive calls land on different workers. */
function statusOnNewConnection(path: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { agent: false, headers: { Authorization: `Bearer ${key}` } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** `n` streams, each on its own connection: the cluster hands connections to the workers in turn. */
async function streams(n: number, key: string): Promise<SseConnection[]> {
  const conns: SseConnection[] = [];
  for (let i = 0; i < n; i++) {
    const conn = await connectSse(`${server.url}/sdk/v1/stream`, { Authorization: `Bearer ${key}` });
    open.push(conn);
    conns.push(conn);
    await conn.waitFor((e) => e.event === 'snapshot');
  }
  return conns;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-cluster-'));
  server = await startServer(join(dir, 'ensign.db'), ['--workers', '2', '--change-poll-ms', '600000']);
  keys = printedKeys(server.stderr());
  call = apiClient(server, keys.get('admin'));
}, 30_000);

afterAll(async () => {
  for (const conn of open) conn.close();
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('--workers 2', () => {
  it('starts two workers, prints the first-start keys once, and announces one URL', async () => {
    const workers = await within(
      (async () => {
        while (server.lines.filter((l) => l.msg === 'worker listening').length < 2)
          await new Promise((r) => setTimeout(r, 20));
        return server.lines.filter((l) => l.msg === 'worker listening');
      })(),
      5_000,
      'two workers',
    );
    expect(new Set(workers.map((l) => l.pid)).size).toBe(2);
    expect(workers.every((l) => l.url === server.url)).toBe(true);
    expect(keys.get('admin')).toMatch(/^ens_adm_/);
    expect(server.stderr().split(keys.get('admin')!).length - 1).toBe(1);
  });

  it('delivers a change to the streams of both workers at once', async () => {
    const created = await call('POST', `${base}/flags`, {
      body: { key: 'relay', name: 'relay', type: 'boolean', variations: [true, false] },
    });
    expect(created.status).toBe(201);
    const conns = await streams(6, keys.get('development server SDK')!);
    const started = performance.now();
    const res = await call('POST', `${base}/environments/development/flags/relay/toggle`, {
      body: { on: true },
    });
    expect(res.status).toBe(200);
    const events = await Promise.all(
      conns.map((c) => c.waitFor((e) => e.event === 'change' && json(e).flags[0]?.key === 'relay', 2_000)),
    );
    // Without the relay, the streams of the worker that did not take the write would wait 10 minutes.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
  });

  it('closes a revoked key’s streams on both workers at once, and both refuse it afterwards', async () => {
    const created = await call('POST', '/api/v1/api-keys', {
      body: { kind: 'server', name: 'doomed', project: 'default', environment: 'development' },
    });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    // Warm both workers' principal caches with the key.
    for (let i = 0; i < 4; i++) expect(await statusOnNewConnection('/sdk/v1/flags', secret)).toBe(200);
    const conns = await streams(4, secret);
    const started = performance.now();
    expect((await call('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(200);
    expect(await Promise.all(conns.map((c) => within(c.ended, 2_000, 'the stream to end')))).toEqual([
      'ended',
      'ended',
      'ended',
      'ended',
    ]);
    expect(performance.now() - started).toBeLessThan(1_000);
    for (let i = 0; i < 4; i++) expect(await statusOnNewConnection('/sdk/v1/flags', secret)).toBe(401);
  });

  it('replaces a worker that crashes, and keeps serving meanwhile', async () => {
    const before = server.lines.filter((l) => l.msg === 'worker listening');
    process.kill(Number(before[0]!.pid), 'SIGKILL');
    await server.waitForLine((l) => l.msg === 'worker exited', 5_000);
    for (let i = 0; i < 4; i++) expect(await statusOnNewConnection('/readyz', keys.get('admin')!)).toBe(200);
    const replacement = await server.waitForLine(
      (l) => l.msg === 'worker listening' && !before.some((b) => b.pid === l.pid),
      5_000,
    );
    expect(replacement.url).toBe(server.url);
  });

  it('stops every worker on SIGTERM and exits 0', async () => {
    server.child.kill('SIGTERM');
    expect(await within(server.exited, 15_000, 'the cluster to stop')).toBe(0);
    expect(server.lines.filter((l) => l.msg === 'stopped').length).toBe(2);
  }, 20_000);
});
