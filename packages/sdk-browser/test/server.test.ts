/**
 * Integration: the browser SDK against the real Ensign server process on loopback, in Node with the
 * `eventsource` package in the EventSource seam (it follows the WHATWG EventSource behaviour the
 * SDK relies on: Last-Event-ID, giving up on non-200). Connections go through a proxy the test can
 * cut, so "the server is unreachable" is real. The same flows in real Chromium: test/e2e.test.ts.
 */
import {
  type AdminClient,
  adminClient,
  type EnsignServer,
  startEnsignServer,
  startTcpProxy,
  type TcpProxy,
} from '@ensign/test-server';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChangeEvent,
  createClient,
  type EnsignBrowserClient,
  fetchBootstrap,
  type SnapshotPayload,
} from '../src/index.js';
import { createClientFlag, project, revisionOf, setFallthrough, until } from './flags-api.js';

const env = 'production';
let server: EnsignServer;
let proxy: TcpProxy;
let admin: AdminClient;
let clientKey: string;
const clients: EnsignBrowserClient[] = [];
/** Every request the SDK makes, through its seams. */
const requests: string[] = [];
const countingFetch: typeof fetch = (input, init) => {
  requests.push(`fetch ${new URL(String(input)).pathname}`);
  return fetch(input, init);
};
class CountingEventSource extends EventSource {
  constructor(url: string | URL) {
    super(url);
    requests.push(`stream ${url}`);
  }
}

function start(extra: Partial<Parameters<typeof createClient>[0]> = {}): EnsignBrowserClient {
  const client = createClient({
    clientKey,
    baseUrl: proxy.url,
    context: { key: 'anonymous' },
    cache: false,
    staleAfterMs: 300,
    pollIntervalMs: 200,
    EventSource: CountingEventSource as unknown as typeof globalThis.EventSource,
    fetch: countingFetch,
    ...extra,
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = await startEnsignServer();
  admin = adminClient(server.url, server.keys.get('admin')!);
  clientKey = server.keys.get(`${env} client SDK`)!;
  await createClientFlag(admin, env, 'banner', ['user-vip']);
  // A flag only servers see: it must not reach the browser.
  const serverOnly = await admin('POST', `${project}/flags`, {
    body: { key: 'secret-pricing', name: 'secret', type: 'boolean', variations: [true, false] },
  });
  expect(serverOnly.status).toBe(201);
  proxy = await startTcpProxy({ host: '127.0.0.1', port: server.port });
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await proxy?.close();
  await server?.stop({ removeData: true });
});

describe('@ensign/browser against a real server', () => {
  it('fetchBootstrap gets the client payload: client-side flags only, key lists hashed, with the salt', async () => {
    const bootstrap = await fetchBootstrap({ clientKey, baseUrl: `${server.url}/` });
    expect(bootstrap.revision).toBe(await revisionOf(admin, env));
    expect(bootstrap.flags.map((f) => (f as { key: string }).key)).toEqual(['banner']);
    expect(JSON.stringify(bootstrap)).not.toContain('user-vip');
    expect(bootstrap.keyHashing?.salt).toEqual(expect.any(String));
    await expect(fetchBootstrap({ clientKey: 'ens_cli_nope', baseUrl: server.url })).rejects.toThrow(/401/);

    // A page starting from it evaluates from its first call, hashed targets included, offline.
    const page = createClient({ offline: true, context: { key: 'user-vip' }, bootstrap, cache: false });
    expect(page.boolVariation('banner', false)).toBe(true);
    expect(page.boolVariationDetail('secret-pricing', true).reason).toMatchObject({
      errorKind: 'FLAG_NOT_FOUND',
    });
  });

  it('gets ready over the stream, sees a change within a second, and identify needs no request', async () => {
    const client = start();
    const changes: ChangeEvent[] = [];
    client.on('change', (e) => changes.push(e));
    await client.ready({ timeoutMs: 5_000 });
    expect(client.status).toBe('ready');
    expect(client.revision).toBe(await revisionOf(admin, env));
    expect(client.allFlags()).toEqual({ banner: false });

    const sent = performance.now();
    await setFallthrough(admin, env, 'banner', true);
    await until('the change', () => client.boolVariation('banner', false), 1_000);
    expect(performance.now() - sent).toBeLessThan(1_000);
    await until('the change event', () => changes.length > 0);
    expect(changes.at(-1)).toEqual({ keys: ['banner'], revision: await revisionOf(admin, env) });
    await setFallthrough(admin, env, 'banner', false);
    await until('the second change', () => !client.boolVariation('banner', true), 1_000);

    const before = requests.length;
    client.identify({ key: 'user-vip' }); // a hashed target: matched locally
    expect(client.boolVariation('banner', false)).toBe(true);
    client.identify({ key: 'someone-else' });
    expect(client.boolVariation('banner', true)).toBe(false);
    expect(requests.slice(before)).toEqual([]);
    await client.close();
  });

  it('reports telemetry the server accepts (a text/plain body with the key in ?key=, as a beacon sends)', async () => {
    await createClientFlag(admin, env, 'promo'); // evaluated by this test only
    const client = start({ context: { key: 'user-vip' }, telemetry: { intervalMs: 100 } });
    await client.ready();
    for (let i = 0; i < 3; i++) client.boolVariation('promo', true);
    client.boolVariation('no-such-flag', false);
    await client.close(); // sends the last report
    const usage = (flag: string) => admin('GET', `${project}/environments/${env}/usage?flag=${flag}`);
    await until('the reports to be stored', async () => (await usage('no-such-flag')).status === 200);
    expect((await usage('promo')).body.flags[0].hours[0].counts).toEqual({ '1': 3 });
    expect((await usage('no-such-flag')).body.flags[0]).toMatchObject({ defined: false, total: 1 });
    const propagation = await admin('GET', `${project}/environments/${env}/propagation?kind=client`);
    expect(propagation.body.instances.seen).toBeGreaterThanOrEqual(1);
  });

  it('keeps its flags when the server dies, turns stale, and replays what it missed when it returns', async () => {
    const client = start();
    await client.ready();
    const statuses: string[] = [];
    const changes: ChangeEvent[] = [];
    client.on('status', (s) => statuses.push(s));
    client.on('change', (e) => changes.push(e));
    proxy.cut();
    await server.stop({ signal: 'SIGKILL' });
    await until('stale', () => client.status === 'stale', 3_000);
    expect(client.boolVariation('banner', true)).toBe(false);
    const held = client.revision;

    server = await startEnsignServer({ port: server.port, dbPath: server.dbPath, keys: server.keys });
    admin = adminClient(server.url, server.keys.get('admin')!);
    await setFallthrough(admin, env, 'banner', true);
    await createClientFlag(admin, env, 'search-v2');
    const target = await revisionOf(admin, env);
    expect(target).toBeGreaterThan(held + 2);

    proxy.restore();
    await until('caught up', () => client.revision === target, 5_000);
    expect(client.status).toBe('ready');
    expect(statuses).toEqual(['stale', 'ready']);
    expect(client.allFlags()).toEqual({ banner: true, promo: false, 'search-v2': false });
    // The missed revisions were replayed, one change event per revision that changed a value,
    // or a polled snapshot landed first (one event): either way, the end state and no reload.
    expect(changes.length).toBeGreaterThanOrEqual(1);
    expect(changes.at(-1)!.revision).toBe(target);
    await until('streaming again', () =>
      requests
        .filter((r) => r.startsWith('stream'))
        .at(-1)!
        .includes(`lastEventId=`),
    );
    await client.close();
  });

  it('stops for good when its key is revoked: error status, then no requests at all', async () => {
    const created = await admin('POST', '/api/v1/api-keys', {
      body: { kind: 'client', name: 'doomed page', project: 'default', environment: env },
    });
    expect(created.status).toBe(201);
    clientKey = created.body.secret;
    const client = start();
    await client.ready();
    const revoked = await admin('DELETE', `/api/v1/api-keys/${created.body.id}`);
    expect(revoked.status).toBe(200);
    await until('error', () => client.status === 'error', 5_000);
    const before = requests.length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(requests.slice(before)).toEqual([]);
    expect(client.boolVariation('banner', false)).toBe(true); // still serving what it held
  });

  it('uses a given bootstrap at once and resumes the stream from its revision', async () => {
    const bootstrap: SnapshotPayload = await fetchBootstrap({
      clientKey: server.keys.get(`${env} client SDK`)!,
      baseUrl: server.url,
    });
    clientKey = server.keys.get(`${env} client SDK`)!;
    const before = requests.length;
    const client = start({ bootstrap, context: { key: 'u1' } });
    expect(client.status).toBe('ready');
    expect(client.boolVariation('banner', false)).toBe(true);
    expect(requests[before]).toContain(`lastEventId=${bootstrap.revision}`);
    await client.close();
  });
});
