/**
 * Integration: SDK delivery over Server-Sent Events and polling, against the built server as a real
 * process on 127.0.0.1, with raw HTTP clients (test/sse-client.ts) and a raw TCP socket as a slow reader.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, printedKeys } from './api-client.js';
import { kill, type ServerProcess, startServer } from './server-process.js';
import { connectSse, json, type SseConnection } from './sse-client.js';

let dir: string;
let server: ServerProcess;
let call: ApiClient;
let keys: Map<string, string>;
const open: SseConnection[] = [];

const base = '/api/v1/projects/default';
const config = (flag: string, env = 'development') => `${base}/environments/${env}/flags/${flag}`;
const serverKey = () => keys.get('development server SDK')!;
const clientKey = () => keys.get('development client SDK')!;

async function stream(headers: Record<string, string> = {}, query = ''): Promise<SseConnection> {
  const conn = await connectSse(`${server.url}/sdk/v1/stream${query}`, headers);
  open.push(conn);
  return conn;
}
const asServer = (extra: Record<string, string> = {}) =>
  stream({ Authorization: `Bearer ${serverKey()}`, ...extra });

async function createFlag(key: string, extra: Record<string, unknown> = {}) {
  const res = await call('POST', `${base}/flags`, {
    body: { key, name: key, type: 'boolean', variations: [true, false], ...extra },
  });
  expect(res.status).toBe(201);
}

async function replaceConfig(key: string, patch: Record<string, unknown>, env = 'development') {
  const current = await call('GET', config(key, env));
  const res = await call('PUT', config(key, env), {
    body: { ...current.body, ...patch },
    headers: { 'If-Match': current.headers.get('ETag')! },
  });
  expect(res.status).toBe(200);
  return res;
}

async function revision(env = 'development'): Promise<number> {
  return (await call('GET', `${base}/environments/${env}`)).body.revision;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-stream-'));
  server = await startServer(join(dir, 'ensign.db'), [
    '--sse-heartbeat-ms',
    '200',
    '--sse-buffer-bytes',
    '65536',
  ]);
  keys = printedKeys(server.stderr());
  call = apiClient(server, keys.get('admin'));
});

afterAll(async () => {
  for (const conn of open) conn.close();
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('SSE stream', () => {
  it('starts with the headers, a retry hint and a snapshot at the current revision', async () => {
    await createFlag('snap');
    const conn = await asServer();
    expect(conn.status).toBe(200);
    expect(conn.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(conn.headers.get('cache-control')).toBe('no-cache');
    expect(conn.headers.get('x-accel-buffering')).toBe('no');
    const first = await conn.waitFor(() => true);
    expect(first.event).toBe('snapshot');
    expect(Number(first.id)).toBe(await revision());
    expect(json(first).flags.map((f: { key: string }) => f.key)).toContain('snap');
    expect(conn.retry).toBe(1000);
  });

  it('delivers one change event per write, with the new document', async () => {
    await createFlag('kill-switch');
    const conn = await asServer();
    await conn.waitFor((e) => e.event === 'snapshot');
    const before = await revision();
    const res = await call('POST', `${config('kill-switch')}/toggle`, { body: { on: true } });
    expect(res.status).toBe(200);
    const event = await conn.waitFor((e) => e.event === 'change');
    expect(Number(event.id)).toBe(before + 1);
    expect(json(event)).toEqual({
      revision: before + 1,
      flags: [expect.objectContaining({ key: 'kill-switch', on: true, version: 2 })],
      segments: [],
      deleted: { flags: [], segments: [] },
    });
    await sleep(300);
    expect(conn.events.filter((e) => e.event === 'change')).toHaveLength(1);
  });

  it('replays exactly the missed changes, in order, after Last-Event-ID', async () => {
    await createFlag('replayed');
    const first = await asServer();
    const snapshot = await first.waitFor((e) => e.event === 'snapshot');
    first.close();
    for (const on of [true, false, true])
      await call('POST', `${config('replayed')}/toggle`, { body: { on } });
    const again = await asServer({ 'Last-Event-ID': snapshot.id! });
    const from = Number(snapshot.id);
    await again.waitFor((e) => Number(e.id) === from + 3);
    expect(again.events.map((e) => [e.event, Number(e.id)])).toEqual([
      ['change', from + 1],
      ['change', from + 2],
      ['change', from + 3],
    ]);
    expect(again.events.map((e) => json(e).flags[0].on)).toEqual([true, false, true]);
    // Current already: nothing but live events.
    const current = await asServer({ 'Last-Event-ID': String(from + 3) });
    await sleep(300);
    expect(current.events).toEqual([]);
  });

  it('answers an unknown, malformed or future id with a snapshot', async () => {
    for (const id of ['abc', '99999999', '-1']) {
      const conn = await asServer({ 'Last-Event-ID': id });
      const event = await conn.waitFor(() => true);
      expect(event.event).toBe('snapshot');
      expect(Number(event.id)).toBe(await revision());
      conn.close();
    }
    const viaQuery = await stream({ Authorization: `Bearer ${serverKey()}` }, '?lastEventId=1');
    const replayed = await viaQuery.waitFor(() => true);
    expect(replayed.event).toBe('change'); // revision 1 is in the buffer: replayed, not a snapshot
  });

  it('sends heartbeat comments', async () => {
    const conn = await asServer();
    await conn.waitFor((e) => e.event === 'snapshot');
    await sleep(700);
    expect(conn.comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(2);
  });

  it('closes the streams of a revoked key at once, and refuses it afterwards', async () => {
    const created = await call('POST', '/api/v1/api-keys', {
      body: { kind: 'server', name: 'doomed', project: 'default', environment: 'development' },
    });
    const conn = await stream({ Authorization: `Bearer ${created.body.secret}` });
    await conn.waitFor((e) => e.event === 'snapshot');
    const started = performance.now();
    expect((await call('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(200);
    expect(await conn.ended).toBe('ended');
    expect(performance.now() - started).toBeLessThan(1_000);
    const retry = await fetch(`${server.url}/sdk/v1/stream`, {
      headers: { Authorization: `Bearer ${created.body.secret}` },
    });
    expect(retry.status).toBe(401);
  });

  it('refuses missing and admin keys, and server keys in the URL', async () => {
    expect((await fetch(`${server.url}/sdk/v1/stream`)).status).toBe(401);
    const admin = await fetch(`${server.url}/sdk/v1/stream`, {
      headers: { Authorization: `Bearer ${keys.get('admin')}` },
    });
    expect(admin.status).toBe(403);
    const inUrl = await fetch(`${server.url}/sdk/v1/stream?key=${serverKey()}`);
    expect(inUrl.status).toBe(401);
    expect(((await inUrl.json()) as { error: { message: string } }).error.message).toMatch(
      /Authorization header/,
    );
  });
});

describe('client keys', () => {
  it('never receive a server-only flag or a user key in clear text', async () => {
    await call('PUT', `${base}/environments/development/segments/beta-testers`, {
      body: { included: ['user-carol@example.com'], excluded: ['user-dave@example.com'] },
    });
    await createFlag('secret-backend-flag');
    await replaceConfig('secret-backend-flag', {
      on: true,
      targets: [{ variation: 0, values: ['user-erin@example.com'] }],
    });
    await createFlag('web-banner');
    await replaceConfig('web-banner', {
      on: true,
      clientSide: true,
      targets: [{ variation: 0, values: ['user-alice@example.com'] }],
      rules: [
        {
          id: 'beta',
          clauses: [{ attribute: 'key', op: 'segmentMatch', values: ['beta-testers'] }],
          serve: { variation: 0 },
        },
      ],
    });
    const conn = await stream({}, `?key=${clientKey()}`);
    const snapshot = await conn.waitFor((e) => e.event === 'snapshot');
    await call('POST', `${config('secret-backend-flag')}/targets`, {
      body: { variation: 0, add: ['user-frank@example.com'] },
    });
    await call('POST', `${config('web-banner')}/targets`, {
      body: { variation: 0, add: ['user-grace@example.com'] },
    });
    await conn.waitFor((e) => json(e).flags?.some((f: { key: string }) => f.key === 'web-banner'));

    const body = json(snapshot);
    expect(body.flags.map((f: { key: string }) => f.key)).toEqual(['web-banner']);
    expect(body.segments.map((s: { key: string }) => s.key)).toEqual(['beta-testers']);
    expect(body.keyHashing.salt).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const everything = conn.events.map((e) => e.data).join('\n');
    expect(everything).not.toContain('secret-backend-flag');
    expect(everything).not.toMatch(/user-[a-z]+@example\.com/);
    expect(body.flags[0].targets[0].values[0]).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const polled = await fetch(`${server.url}/sdk/v1/flags?key=${clientKey()}`);
    const text = await polled.text();
    expect(text).not.toContain('secret-backend-flag');
    expect(text).not.toMatch(/user-[a-z]+@example\.com/);
  });
});

describe('polling', () => {
  it('answers the snapshot with the revision as ETag, and 304 until it changes', async () => {
    await createFlag('polled');
    const headers = { Authorization: `Bearer ${serverKey()}` };
    const first = await fetch(`${server.url}/sdk/v1/flags`, { headers });
    const etag = first.headers.get('etag')!;
    expect(etag).toBe(`"${await revision()}"`);
    expect(((await first.json()) as { flags: { key: string }[] }).flags.map((f) => f.key)).toContain(
      'polled',
    );
    const same = await fetch(`${server.url}/sdk/v1/flags`, {
      headers: { ...headers, 'If-None-Match': etag },
    });
    expect(same.status).toBe(304);
    await call('POST', `${config('polled')}/toggle`, { body: { on: true } });
    const changed = await fetch(`${server.url}/sdk/v1/flags`, {
      headers: { ...headers, 'If-None-Match': etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe(`"${await revision()}"`);
  });
});

async function slowConsumersDropped(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('ensign_sdk_slow_consumers_dropped_total'));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

describe('slow readers', () => {
  it('drops a reader that stops reading, without delaying the others', async () => {
    // Large events: a flag with thousands of targets, so the stalled reader's buffers fill quickly.
    await createFlag('bulky');
    // ~500 KB per event: more than the kernel's socket buffers on loopback absorb in a few events.
    const many = Array.from({ length: 12_000 }, (_, i) => `some-fairly-long-user-key-number-${i}`);
    await replaceConfig('bulky', { targets: [{ variation: 0, values: many }] });

    const stalled = connect({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    let ended = false;
    stalled.on('end', () => {
      ended = true;
    });
    stalled.on('error', () => {});
    await new Promise<void>((r) => stalled.once('connect', () => r()));
    stalled.write(`GET /sdk/v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${serverKey()}\r\n\r\n`);
    stalled.pause(); // never read: a paused socket does not see the server close it either

    const fast = await asServer();
    await fast.waitFor((e) => e.event === 'snapshot');
    const latencies: number[] = [];
    let dropped = 0;
    for (let i = 0; i < 80 && dropped === 0; i++) {
      const sent = performance.now();
      const res = await call('POST', `${config('bulky')}/toggle`, { body: { on: i % 2 === 0 } });
      const id = String(await revision());
      expect(res.status).toBe(200);
      const event = await fast.waitFor((e) => e.id === id);
      latencies.push(event.at - sent);
      dropped = await slowConsumersDropped();
    }
    expect(dropped).toBe(1);
    latencies.sort((a, b) => a - b);
    expect(latencies.at(-1)!).toBeLessThan(500);
    // Reading again, the stalled client gets what the kernel held, then the end of the stream.
    stalled.resume();
    for (let i = 0; i < 100 && !ended; i++) await sleep(20);
    expect(ended).toBe(true);
    stalled.destroy();
  });
});
