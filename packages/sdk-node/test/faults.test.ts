/**
 * Fault injection: the SDK against a scripted SSE endpoint on loopback. Each failure mode has the
 * behaviour the SDK promises, and none leaves an unhandled rejection or a second stream.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type EnsignClient, type Logger } from '../src/index.js';
import { boolFlag, type FakeServer, type StreamRequest, startFakeServer } from './fake-sse-server.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
let server: FakeServer | undefined;
let client: EnsignClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
  expect(unhandled).toEqual([]);
});

async function until(what: string, condition: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function connect(
  script: (r: StreamRequest) => void,
  extra: Record<string, unknown> = {},
  poll?: Parameters<typeof startFakeServer>[0]['poll'],
) {
  return startFakeServer({ stream: script, ...(poll !== undefined && { poll }) }).then((s) => {
    server = s;
    client = createClient({
      sdkKey: 'ens_srv_test',
      baseUrl: s.url,
      logger: quietLogger,
      telemetry: false,
      reconnect: { initialMs: 40, maxMs: 200 },
      ...extra,
    });
    return { server: s, client };
  });
}

const openStreams = (s: FakeServer) => s.streamRequests.filter((r) => !r.closed);

describe('fault injection', () => {
  it('a connection dropped mid-event: the half event is never applied; the reconnect resumes', async () => {
    const { server, client } = await connect((r) => {
      r.open();
      if (r.n === 1) {
        r.snapshot(1, [boolFlag('f', 1, false)]);
        r.send('id: 2\nevent: change\ndata: {"revision":2,"flags":[{"key":"f","vers');
        setTimeout(() => r.cut(), 20);
      } else r.change(2, [boolFlag('f', 2, true)]);
    });
    await client.ready();
    await until('the replayed change', () => client.revision === 2);
    expect(client.boolVariation('f', { key: 'u' }, false)).toBe(true);
    expect(server.streamRequests[1]!.lastEventId).toBe('1');
    expect(server.streamRequests[0]!.authorization).toBe('Bearer ens_srv_test');
  });

  it('garbage lines and non-JSON data: ignored or resynced, flags keep evaluating', async () => {
    const { server, client } = await connect((r) => {
      r.open();
      if (r.n === 1) {
        r.snapshot(3, [boolFlag('f', 1, true)]);
        r.send('this is not a field\n\n:comment\n\nretry: soon\n\n');
        r.send('id: 4\nevent: change\ndata: {not json}\n\n');
      } else r.change(4, [boolFlag('f', 2, false)]);
    });
    await client.ready();
    await until('the resync', () => server.streamRequests.length === 2);
    expect(server.streamRequests[1]!.lastEventId).toBe('3');
    await until('the good change', () => client.revision === 4);
    expect(client.boolVariation('f', { key: 'u' }, true)).toBe(false);
  });

  it('out-of-order revisions: an old one is ignored, a gap resyncs from the revision held', async () => {
    const { server, client } = await connect((r) => {
      r.open();
      if (r.n === 1) {
        r.snapshot(5, [boolFlag('f', 5, true)]);
        r.change(4, [boolFlag('f', 4, false)]); // older: ignored
        r.change(7, [boolFlag('f', 7, false)]); // 6 is missing: resync
      } else {
        r.change(6, [boolFlag('f', 6, false)]);
        r.change(7, [boolFlag('f', 7, true)]);
      }
    });
    await client.ready();
    await until('the resync', () => server.streamRequests.length === 2);
    expect(server.streamRequests[1]!.lastEventId).toBe('5');
    await until('revision 7', () => client.revision === 7);
    expect(client.boolVariation('f', { key: 'u' }, false)).toBe(true);
  });

  it('500s: retried with backoff until the server recovers', async () => {
    const { server, client } = await connect((r) => {
      if (r.n <= 3) {
        r.res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":{"code":"internal"}}');
        return;
      }
      r.open();
      r.snapshot(1, [boolFlag('f', 1, true)]);
    });
    expect(client.status).toBe('initializing');
    await client.ready({ timeoutMs: 5_000 });
    expect(server.streamRequests).toHaveLength(4);
    expect(client.status).toBe('ready');
    expect(client.boolVariation('f', { key: 'u' }, false)).toBe(true);
  });

  it('401: status error, ready() rejects, and the server is not asked again', async () => {
    const statuses: string[] = [];
    const { server, client } = await connect((r) => {
      r.res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":{"code":"unauthorized"}}');
    });
    client.on('status', (s) => statuses.push(s));
    await expect(client.ready({ timeoutMs: 5_000 })).rejects.toThrow(/refused the SDK key \(401\)/);
    expect(client.status).toBe('error');
    await new Promise((r) => setTimeout(r, 500));
    expect(server.streamRequests).toHaveLength(1);
    expect(server.pollRequests).toHaveLength(0);
    expect(statuses).toEqual(['error']);
    // Evaluations still answer, with the default and a reason.
    expect(client.boolVariationDetail('f', { key: 'u' }, true)).toMatchObject({
      value: true,
      reason: { kind: 'ERROR', errorKind: 'CLIENT_NOT_READY' },
    });
  });

  it('a server that accepts and never sends: ready() times out, the watchdog reconnects', async () => {
    const { server, client } = await connect(
      (r) => {
        r.open();
        if (r.n >= 3) r.snapshot(1, [boolFlag('f', 1, true)]);
      },
      { heartbeatTimeoutMs: 150 },
    );
    await expect(client.ready({ timeoutMs: 100 })).rejects.toThrow(/no flags within 100 ms/);
    await client.ready({ timeoutMs: 5_000 });
    expect(server.streamRequests.length).toBe(3);
    await until('old sockets to close', () => openStreams(server).length === 1);
  });

  it('never more than one stream, through a storm of failures', async () => {
    let maxOpen = 0;
    const { server, client } = await connect((r) => {
      maxOpen = Math.max(maxOpen, openStreams(server!).length);
      r.open();
      r.snapshot(r.n, [boolFlag('f', r.n, r.n % 2 === 0)]);
      if (r.n < 15) setTimeout(() => (r.n % 3 === 0 ? r.cut() : r.res.end()), 5);
    });
    await until('15 connections', () => server.streamRequests.length === 15, 10_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(maxOpen).toBe(1);
    expect(openStreams(server)).toHaveLength(1);
    expect(client.revision).toBe(15);
  });

  it('a server gone for longer than the grace period: stale, still evaluating; back: ready', async () => {
    let down = false;
    const statuses: string[] = [];
    const { client } = await connect(
      (r) => {
        if (down) return void r.res.writeHead(503).end();
        r.open();
        r.snapshot(1, [boolFlag('f', 1, true)]);
      },
      { staleAfterMs: 150 },
    );
    client.on('status', (s) => statuses.push(s));
    await client.ready();
    down = true;
    for (const r of server!.streamRequests) r.cut();
    await until('stale', () => client.status === 'stale');
    expect(client.boolVariation('f', { key: 'u' }, false)).toBe(true);
    down = false;
    await until('ready again', () => client.status === 'ready');
    expect(statuses).toEqual(['ready', 'stale', 'ready']);
  });
});

describe('polling fallback', () => {
  it('a proxy that breaks streaming: the client gets ready by polling, with ETags', async () => {
    const { server: s, client } = await connect(
      (r) => void r.res.writeHead(502).end(),
      { pollIntervalMs: 50, reconnect: { initialMs: 20, maxMs: 40 } },
      (req, res) => {
        if (req.headers['if-none-match'] === '"4"') return void res.writeHead(304).end();
        res.writeHead(200, { 'Content-Type': 'application/json', ETag: '"4"' });
        res.end(JSON.stringify({ revision: 4, flags: [boolFlag('f', 1, true)], segments: [] }));
      },
    );
    await client.ready({ timeoutMs: 5_000 });
    expect(client.boolVariation('f', { key: 'u' }, false)).toBe(true);
    expect(client.status).toBe('ready');
    await until('a conditional poll', () => s.pollRequests.some((r) => r.headers['if-none-match'] === '"4"'));
    expect(s.pollRequests[0]!.headers.authorization).toBe('Bearer ens_srv_test');
  });

  it('streaming: false polls only', async () => {
    const { server: s, client } = await connect(
      () => {
        throw new Error('must not stream');
      },
      { streaming: false },
      (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', ETag: '"2"' });
        res.end(JSON.stringify({ revision: 2, flags: [boolFlag('f', 1, true)], segments: [] }));
      },
    );
    await client.ready({ timeoutMs: 5_000 });
    expect(s.streamRequests).toHaveLength(0);
    expect(client.revision).toBe(2);
  });
});

describe('telemetry', () => {
  it('reports counts per flag and variation, the revision and the instance on close', async () => {
    const s = await startFakeServer({
      stream: (r) => {
        r.open();
        r.snapshot(8, [boolFlag('on-flag', 1, true), boolFlag('off-flag', 1, false)]);
      },
    });
    server = s;
    const c = createClient({ sdkKey: 'ens_srv_test', baseUrl: s.url, logger: quietLogger });
    await c.ready();
    for (let i = 0; i < 5; i++) c.boolVariation('on-flag', { key: `u${i}` }, false);
    c.boolVariation('off-flag', { key: 'u' }, true);
    c.boolVariation('missing', { key: 'u' }, true);
    c.boolVariation('Not A Key!', { key: 'u' }, true); // not a valid key: never sent
    c.track('checkout-completed', { key: 'u' }, 30);
    c.track('checkout-completed', { key: 'v' }, 12);
    await c.close();
    const reports = s.telemetry as Array<{
      sdk: unknown;
      instanceId: string;
      revision: number;
      flags: Record<string, unknown>;
      events?: unknown;
    }>;
    const last = reports.at(-1)!;
    expect(last.sdk).toEqual({ name: '@ensign/node', version: expect.any(String) });
    expect(last.instanceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(last.revision).toBe(8);
    const flags = Object.assign({}, ...reports.map((r) => r.flags));
    expect(flags).toEqual({ 'on-flag': { '0': 5 }, 'off-flag': { '1': 1 }, missing: { default: 1 } });
    expect(reports.find((r) => r.events)?.events).toEqual({ 'checkout-completed': { count: 2, sum: 42 } });
  });
});
