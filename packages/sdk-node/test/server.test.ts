/**
 * Integration: the SDK against the real Ensign server process on loopback (its own SQLite file),
 * connected through a proxy the test can cut, so that "the server is unreachable" is real.
 */
import {
  type AdminClient,
  adminClient,
  type EnsignServer,
  startEnsignServer,
  startTcpProxy,
  type TcpProxy,
} from '@ensign/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeEvent, createClient, type EnsignClient, type Logger } from '../src/index.js';

let server: EnsignServer;
let proxy: TcpProxy;
let admin: AdminClient;
let client: EnsignClient;
const changes: ChangeEvent[] = [];
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const flags = '/api/v1/projects/default/flags';
const config = (key: string) => `/api/v1/projects/default/environments/production/flags/${key}`;

async function until(what: string, condition: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function createFlag(key: string) {
  const res = await admin('POST', flags, {
    body: { key, name: key, type: 'boolean', variations: [true, false] },
  });
  expect(res.status).toBe(201);
  // New flags are off and fall through to `false` too: once toggled on, serve `true`.
  expect((await admin('PUT', `${config(key)}/fallthrough`, { body: { variation: 0 } })).status).toBe(200);
}
const toggle = async (key: string, on: boolean) => {
  const res = await admin('POST', `${config(key)}/toggle`, { body: { on } });
  expect(res.status).toBe(200);
};
const revision = async () =>
  (await admin('GET', '/api/v1/projects/default/environments/production')).body.revision;

beforeAll(async () => {
  server = await startEnsignServer({ args: ['--sse-retry-ms', '50'] });
  admin = adminClient(server.url, server.keys.get('admin')!);
  await createFlag('checkout');
  proxy = await startTcpProxy({ host: '127.0.0.1', port: server.port });
  client = createClient({
    sdkKey: server.keys.get('production server SDK')!,
    baseUrl: proxy.url,
    staleAfterMs: 300,
    reconnect: { initialMs: 50, maxMs: 200 },
    logger: quiet,
  });
  client.on('change', (e) => changes.push(e));
});

afterAll(async () => {
  await client?.close();
  await proxy?.close();
  await server?.stop({ removeData: true });
});

describe('@ensign/node against a real server', () => {
  it('starts and gets ready with the flags of its environment', async () => {
    await client.ready({ timeoutMs: 5_000 });
    expect(client.status).toBe('ready');
    expect(client.revision).toBe(await revision());
    expect(client.boolVariationDetail('checkout', { key: 'u1' }, true)).toMatchObject({
      value: false, // a new flag is off in every environment, serving its off variation
      reason: { kind: 'OFF' },
    });
  });

  it('sees a change made through the admin API within 200 ms, as change events', async () => {
    const perFlag: ChangeEvent[] = [];
    const off = client.on('change:checkout', (e) => perFlag.push(e));
    const before = changes.length;
    const sent = performance.now();
    await toggle('checkout', true);
    await until('the change', () => client.boolVariation('checkout', { key: 'u1' }, false));
    const elapsed = performance.now() - sent;
    expect(elapsed).toBeLessThan(200);
    await until('the event', () => changes.length > before);
    expect(changes.at(-1)).toEqual({ keys: ['checkout'], revision: await revision() });
    expect(perFlag).toHaveLength(1);
    off();
  });

  it('keeps evaluating when the server dies, turns stale, and catches up with exactly the missed changes', async () => {
    const statuses: string[] = [];
    client.on('status', (s) => statuses.push(s));
    proxy.cut(); // the SDK cannot reach any server from now on
    await server.stop({ signal: 'SIGKILL' });
    await until('stale', () => client.status === 'stale', 3_000);
    expect(client.boolVariation('checkout', { key: 'u1' }, false)).toBe(true);
    const held = client.revision;

    server = await startEnsignServer({ port: server.port, dbPath: server.dbPath, keys: server.keys });
    admin = adminClient(server.url, server.keys.get('admin')!);
    await toggle('checkout', false);
    await createFlag('search-v2');
    await toggle('search-v2', true);
    const target = await revision();
    expect(target).toBeGreaterThan(held + 2);

    const before = changes.length;
    proxy.restore();
    await until('caught up', () => client.revision === target, 5_000);
    await until('ready', () => client.status === 'ready');
    // One change event per missed revision, in order: a replay, not a snapshot.
    const caughtUp = changes.slice(before);
    expect(caughtUp.map((e) => e.revision)).toEqual(
      Array.from({ length: target - held }, (_, i) => held + 1 + i),
    );
    expect(client.boolVariation('checkout', { key: 'u1' }, true)).toBe(false);
    expect(client.boolVariation('search-v2', { key: 'u1' }, false)).toBe(true);
    expect(statuses).toEqual(['stale', 'ready']);
  });
});
