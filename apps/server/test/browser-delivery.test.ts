/**
 * Integration: what the browser SDK (`@ensign/browser`) needs from the server, against the built
 * server as a real process, with requests shaped as a page's would be: an `Origin`, the client key
 * in `?key=`, heartbeats as events (EventSource hides comments), telemetry as a `text/plain` beacon.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, printedKeys } from './api-client.js';
import { kill, type ServerProcess, startServer } from './server-process.js';
import { connectSse, json, type SseConnection } from './sse-client.js';

let dir: string;
let server: ServerProcess;
let keys: Map<string, string>;
let admin: ApiClient;
const open: SseConnection[] = [];
const origin = 'https://shop.example.com';
const env = '/api/v1/projects/default/environments/development';
const clientKey = () => keys.get('development client SDK')!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-browser-'));
  server = await startServer(join(dir, 'ensign.db'), ['--sse-heartbeat-ms', '150']);
  keys = printedKeys(server.stderr());
  admin = apiClient(server, keys.get('admin'));
  const created = await admin('POST', '/api/v1/projects/default/flags', {
    body: { key: 'banner', name: 'Banner', type: 'boolean', variations: [true, false] },
  });
  expect(created.status).toBe(201);
  const current = await admin('GET', `${env}/flags/banner`);
  const res = await admin('PUT', `${env}/flags/banner`, {
    body: { ...current.body, clientSide: true },
    headers: { 'If-Match': current.headers.get('ETag')! },
  });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  for (const conn of open) conn.close();
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

async function stream(query: string): Promise<SseConnection> {
  const conn = await connectSse(`${server.url}/sdk/v1/stream?key=${clientKey()}${query}`, { Origin: origin });
  open.push(conn);
  return conn;
}

describe('heartbeats for browsers', () => {
  it('are `heartbeat` events without an id, carrying the interval, when asked with ?heartbeat=event', async () => {
    const conn = await stream('&heartbeat=event');
    expect(conn.status).toBe(200);
    expect(conn.headers.get('access-control-allow-origin')).toBe('*');
    const snapshot = await conn.waitFor((e) => e.event === 'snapshot');
    expect(json(snapshot).flags.map((f: { key: string }) => f.key)).toEqual(['banner']);
    await conn.waitFor((e) => e.event === 'heartbeat');
    const start = performance.now();
    while (conn.events.filter((e) => e.event === 'heartbeat').length < 2) {
      if (performance.now() - start > 5_000) throw new Error('fewer than 2 heartbeat events');
      await new Promise((r) => setTimeout(r, 20));
    }
    const beats = conn.events.filter((e) => e.event === 'heartbeat');
    for (const beat of beats) {
      expect(beat.id).toBeUndefined(); // the reader's last event id stays the snapshot's revision
      expect(beat.data).toBe('150');
    }
    expect(conn.comments).not.toContain('heartbeat');
  });

  it('stay comments for everyone else', async () => {
    const conn = await stream('');
    await conn.waitFor((e) => e.event === 'snapshot');
    const start = performance.now();
    while (!conn.comments.includes('heartbeat')) {
      if (performance.now() - start > 5_000) throw new Error('no heartbeat comment');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(conn.events.filter((e) => e.event === 'heartbeat')).toEqual([]);
  });
});

describe('telemetry from a page', () => {
  const report = (instanceId: string) => {
    const now = Date.now();
    return JSON.stringify({
      sdk: { name: '@ensign/browser', version: '0.1.0' },
      instanceId,
      revision: 3,
      window: { start: new Date(now - 1_000).toISOString(), end: new Date(now).toISOString() },
      flags: { banner: { '0': 2, default: 1 } },
    });
  };

  it('accepts a beacon: text/plain JSON with the client key in ?key=, no preflight needed', async () => {
    const res = await fetch(`${server.url}/sdk/v1/telemetry?key=${clientKey()}`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'text/plain;charset=UTF-8' },
      body: report('page-1'),
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const usage = await admin('GET', `${env}/usage?flag=banner`);
    expect(usage.body.flags[0]).toMatchObject({ key: 'banner', total: 3 });
    const propagation = await admin('GET', `${env}/propagation?kind=client`);
    expect(propagation.body.instances.seen).toBe(1);
  });

  it('validates a text/plain report like a JSON one, and still refuses other body types', async () => {
    const post = (body: string, type: string) =>
      fetch(`${server.url}/sdk/v1/telemetry?key=${clientKey()}`, {
        method: 'POST',
        headers: { Origin: origin, 'Content-Type': type },
        body,
      });
    expect((await post('{"sdk":', 'text/plain')).status).toBe(400);
    const invalid = await post(JSON.stringify({ instanceId: 'x' }), 'text/plain');
    expect(invalid.status).toBe(422);
    expect((await post(report('page-2'), 'text/html')).status).toBe(415);
    // Only telemetry takes text/plain: remote evaluation keeps requiring JSON.
    const remote = await fetch(`${server.url}/sdk/v1/evaluate?key=${clientKey()}`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'text/plain' },
      body: JSON.stringify({ context: { key: 'u1' } }),
    });
    expect(remote.status).toBe(415);
  });
});
