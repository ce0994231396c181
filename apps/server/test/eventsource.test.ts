/**
 * Integration: the SDK stream read by the `eventsource` npm package (the WHATWG EventSource
 * algorithm the Node SDK uses), against the built server on 127.0.0.1. Connections go through a
 * loopback TCP proxy that the test cuts, so reconnects and `Last-Event-ID` are EventSource's own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTcpProxy, type TcpProxy } from '@ensign/test-server';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, printedKeys } from './api-client.js';
import { kill, type ServerProcess, startServer } from './server-process.js';

let dir: string;
let server: ServerProcess;
let proxy: TcpProxy;
let call: ApiClient;
let keys: Map<string, string>;
const sources: EventSource[] = [];

const base = '/api/v1/projects/default';
const config = (flag: string) => `${base}/environments/development/flags/${flag}`;

interface Received {
  type: string;
  id: string;
  data: { revision: number; flags: Array<{ key: string; on: boolean }>; deleted?: { flags: string[] } };
}

/** An EventSource on the proxy that records every `snapshot` and `change` event it dispatches. */
function listen(path: string, authorization?: string): { source: EventSource; events: Received[] } {
  const events: Received[] = [];
  const source = new EventSource(`${proxy.url}${path}`, {
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...init.headers, ...(authorization && { Authorization: `Bearer ${authorization}` }) },
      }),
  });
  for (const type of ['snapshot', 'change']) {
    source.addEventListener(type, (e) => {
      events.push({ type, id: e.lastEventId, data: JSON.parse(e.data) });
    });
  }
  sources.push(source);
  return { source, events };
}

async function until(what: string, condition: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function revision(): Promise<number> {
  return (await call('GET', `${base}/environments/development`)).body.revision;
}

async function createFlag(key: string) {
  const res = await call('POST', `${base}/flags`, {
    body: { key, name: key, type: 'boolean', variations: [true, false] },
  });
  expect(res.status).toBe(201);
}

const toggle = async (flag: string, on: boolean) =>
  expect((await call('POST', `${config(flag)}/toggle`, { body: { on } })).status).toBe(200);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-eventsource-'));
  server = await startServer(join(dir, 'ensign.db'), ['--sse-retry-ms', '100']);
  keys = printedKeys(server.stderr());
  call = apiClient(server, keys.get('admin'));
  const { hostname, port } = new URL(server.url);
  proxy = await startTcpProxy({ host: hostname, port: Number(port) });
  for (const flag of ['es-a', 'es-b', 'es-c']) await createFlag(flag);
});

afterAll(async () => {
  for (const source of sources) source.close();
  await proxy?.close();
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('with the eventsource package', () => {
  it('gets a snapshot, then one change event per write', async () => {
    const { events } = listen('/sdk/v1/stream', keys.get('development server SDK'));
    await until('the snapshot', () => events.length === 1);
    expect(events[0]!.type).toBe('snapshot');
    expect(events[0]!.id).toBe(String(await revision()));
    expect(events[0]!.data.flags.map((f) => f.key)).toEqual(expect.arrayContaining(['es-a', 'es-b', 'es-c']));

    await toggle('es-a', true);
    await until('the change', () => events.length === 2);
    await new Promise((r) => setTimeout(r, 100)); // nothing else follows
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ type: 'change', id: String(await revision()) });
    expect(events[1]!.data.flags).toEqual([expect.objectContaining({ key: 'es-a', on: true })]);
  });

  it('reconnects after the connection drops and gets exactly the missed changes, in order', async () => {
    const { source, events } = listen('/sdk/v1/stream', keys.get('development server SDK'));
    await until('the snapshot', () => events.length === 1);
    const before = await revision();
    const connections = proxy.accepted;

    proxy.cut();
    await until('EventSource to notice', () => source.readyState === EventSource.CONNECTING);
    await toggle('es-a', false);
    await toggle('es-b', true);
    await toggle('es-c', true);
    proxy.restore();

    await until('the replay', () => events.length === 4);
    expect(proxy.accepted).toBeGreaterThan(connections);
    expect(source.readyState).toBe(EventSource.OPEN);
    expect(events.slice(1).map((e) => [e.type, e.id, e.data.flags[0]?.key])).toEqual([
      ['change', String(before + 1), 'es-a'],
      ['change', String(before + 2), 'es-b'],
      ['change', String(before + 3), 'es-c'],
    ]);
    // And it stays live afterwards.
    await toggle('es-b', false);
    await until('the next change', () => events.length === 5);
    expect(events[4]!.id).toBe(String(before + 4));
  });

  it('gets a snapshot when it resumes from an id the server does not know', async () => {
    const { events } = listen('/sdk/v1/stream?lastEventId=987654321', keys.get('development server SDK'));
    await until('the snapshot', () => events.length === 1);
    expect(events[0]).toMatchObject({ type: 'snapshot', id: String(await revision()) });
  });

  it('streams to a client key passed in the URL, without server-only flags', async () => {
    await createFlag('es-web');
    const current = await call('GET', config('es-web'));
    await call('PUT', config('es-web'), {
      body: {
        ...current.body,
        clientSide: true,
        targets: [{ variation: 0, values: ['user-zoe@example.com'] }],
      },
      headers: { 'If-Match': current.headers.get('ETag')! },
    });
    const { events } = listen(`/sdk/v1/stream?key=${keys.get('development client SDK')}`);
    await until('the snapshot', () => events.length === 1);
    expect(events[0]!.data.flags.map((f) => f.key)).toEqual(['es-web']);
    await toggle('es-a', true); // server-only: an empty change event keeps the ids gap-free
    await until('the change', () => events.length === 2);
    expect(events[1]!.data.flags).toEqual([]);
    expect(JSON.stringify(events)).not.toMatch(/es-[abc]"|user-zoe@example\.com/);
  });

  it('stops for good when its key is revoked (the reconnect gets 401)', async () => {
    const created = await call('POST', '/api/v1/api-keys', {
      body: { name: 'es-revoked', kind: 'server', project: 'default', environment: 'development' },
    });
    expect(created.status).toBe(201);
    const { source, events } = listen('/sdk/v1/stream', created.body.secret);
    let errors = 0;
    source.addEventListener('error', () => {
      errors++;
    });
    await until('the snapshot', () => events.length === 1);
    expect((await call('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(200);
    await until('EventSource to give up', () => source.readyState === EventSource.CLOSED);
    expect(errors).toBeGreaterThan(0);
  });
});
