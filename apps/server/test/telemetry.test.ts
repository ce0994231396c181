/**
 * Integration: SDK telemetry, propagation, usage and /metrics against the built server as a real
 * process (see server-process.ts), with SDK calls made as an SDK would make them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, printedKeys } from './api-client.js';
import { parsePrometheusText } from './prometheus-text.js';
import { kill, type ServerProcess, startServer, within } from './server-process.js';

/** A response body, asserted field by field. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const json = async (res: Response): Promise<any> => res.json();

const hourMs = 3_600_000;
let dir: string;
let server: ServerProcess;
let keys: Map<string, string>;
let admin: ApiClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-telemetry-'));
  server = await startServer(join(dir, 'ensign.db'));
  keys = printedKeys(server.stderr());
  admin = apiClient(server, keys.get('admin'));
  // The flag the SDKs evaluate, in every environment.
  const created = await admin('POST', '/api/v1/projects/default/flags', {
    body: { key: 'checkout', name: 'Checkout', type: 'boolean', variations: [true, false] },
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

const env = (key: string) => `/api/v1/projects/default/environments/${key}`;
const sdkKey = (environment: string, kind: 'server' | 'client' = 'server') =>
  keys.get(`${environment} ${kind} SDK`)!;

/** What an SDK sends: counts for a window that ended now, unless told otherwise. */
function report(fields: {
  instanceId: string;
  revision: number;
  flags?: Record<string, Record<string, number>>;
  window?: { start: string; end: string };
  sdk?: { name: string; version: string };
}) {
  const now = Date.now();
  return {
    sdk: fields.sdk ?? { name: '@ensign/sdk-node', version: '0.1.0' },
    instanceId: fields.instanceId,
    revision: fields.revision,
    window: fields.window ?? {
      start: new Date(now - 30_000).toISOString(),
      end: new Date(now).toISOString(),
    },
    flags: fields.flags ?? {},
  };
}

function send(body: unknown, key: string) {
  return admin('POST', '/sdk/v1/telemetry', { body, key });
}

async function revisionOf(environment: string): Promise<number> {
  const res = await admin('GET', env(environment));
  expect(res.status).toBe(200);
  return res.body.revision;
}

async function scrape(headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  return parsePrometheusText(await res.text());
}

describe('POST /sdk/v1/telemetry and GET …/usage', () => {
  it('adds reports up per flag, variation and UTC hour, and keeps the last evaluation', async () => {
    const currentHour = Math.floor(Date.now() / hourMs) * hourMs;
    const lastHour = { start: new Date(currentHour - 1_800_000), end: new Date(currentHour - 1_740_000) };
    const thisHour = { start: new Date(currentHour), end: new Date() };
    const iso = (w: { start: Date; end: Date }) => ({
      start: w.start.toISOString(),
      end: w.end.toISOString(),
    });

    const server1 = sdkKey('development');
    const browser = sdkKey('development', 'client');
    for (const [body, key] of [
      [
        report({
          instanceId: 'node-1',
          revision: 1,
          window: iso(lastHour),
          flags: { checkout: { '0': 10 } },
        }),
        server1,
      ],
      [
        report({
          instanceId: 'node-1',
          revision: 1,
          window: iso(thisHour),
          flags: { checkout: { '0': 4, '1': 1 } },
        }),
        server1,
      ],
      [
        report({ instanceId: 'node-2', revision: 1, window: iso(thisHour), flags: { checkout: { '0': 6 } } }),
        server1,
      ],
      [
        report({
          instanceId: 'tab-1',
          revision: 1,
          window: iso(thisHour),
          flags: { checkout: { '1': 2 }, 'typo-flag': { default: 3 } },
        }),
        browser,
      ],
    ] as const) {
      const res = await send(body, key);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
    }

    const usage = await admin('GET', `${env('development')}/usage?flag=checkout&hours=2`);
    expect(usage.status).toBe(200);
    expect(usage.body).toEqual({
      environment: 'development',
      from: new Date(currentHour - hourMs).toISOString(),
      flags: [
        {
          key: 'checkout',
          defined: true,
          lastEvaluated: expect.any(String),
          total: 23,
          hours: [
            { hour: new Date(currentHour - hourMs).toISOString(), counts: { '0': 10 } },
            { hour: new Date(currentHour).toISOString(), counts: { '0': 10, '1': 3 } },
          ],
        },
      ],
    });
    const lastEvaluated = Date.parse(usage.body.flags[0].lastEvaluated);
    expect(lastEvaluated).toBeGreaterThanOrEqual(thisHour.end.getTime() - 1);
    expect(lastEvaluated).toBeLessThanOrEqual(Date.now());

    // Every flag: defined ones and keys only SDKs know; other environments are separate.
    const all = await admin('GET', `${env('development')}/usage`);
    expect(
      all.body.flags.map((f: { key: string; defined: boolean; total: number }) => [
        f.key,
        f.defined,
        f.total,
      ]),
    ).toEqual([
      ['checkout', true, 23],
      ['typo-flag', false, 3],
    ]);
    const production = await admin('GET', `${env('production')}/usage?flag=checkout`);
    expect(production.body.flags).toEqual([
      { key: 'checkout', defined: true, lastEvaluated: null, total: 0, hours: [] },
    ]);
  });

  it('refuses bad reports with 4xx naming the field, and records nothing of them', async () => {
    const key = sdkKey('development');
    const good = report({ instanceId: 'node-bad', revision: 1, flags: { checkout: { '0': 1 } } });
    const cases: Array<[unknown, string[]]> = [
      [{ ...good, instanceId: '' }, ['instanceId']],
      [{ ...good, revision: 'latest' }, ['revision']],
      [{ ...good, sdk: { name: 'node sdk', version: '1' } }, ['sdk.name']],
      [{ ...good, window: { start: good.window.end, end: good.window.start } }, ['window.end']],
      [{ ...good, flags: { checkout: { '0': -5 } } }, ['flags.checkout.0']],
      [{ ...good, flags: { checkout: { on: 1 } } }, ['flags.checkout.on']],
      [{ ...good, flags: { 'Check Out': { '0': 1 } } }, ['flags.Check Out']],
      [
        {
          ...good,
          window: {
            start: new Date(Date.now() + 600_000).toISOString(),
            end: new Date(Date.now() + 660_000).toISOString(),
          },
        },
        ['window.end'],
      ],
    ];
    for (const [body, paths] of cases) {
      const res = await send(body, key);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe('invalid_body');
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(paths);
    }
    expect((await send('{"sdk":', key)).status).toBe(400);
    expect((await send(good, keys.get('admin')!)).status).toBe(403);
    expect((await admin('POST', '/sdk/v1/telemetry', { body: good, key: null })).status).toBe(401);

    const propagation = await admin('GET', `${env('development')}/propagation?window=3600&limit=1000`);
    expect(propagation.body.instances.lagging.map((i: { instanceId: string }) => i.instanceId)).not.toContain(
      'node-bad',
    );
  });
});

describe('GET …/propagation', () => {
  it('counts instances seen lately that hold the current revision, and lists the lagging ones', async () => {
    const key = sdkKey('staging');
    const toggle = (on: boolean) =>
      admin('POST', `${env('staging')}/flags/checkout/toggle`, { body: { on } });
    expect((await toggle(true)).status).toBe(200);
    const revision = await revisionOf('staging');

    // An instance that reported long ago: it must not count (written as the server would have).
    const db = new BetterSqlite3(join(dir, 'ensign.db'));
    try {
      const staging = db.prepare(`SELECT id FROM environments WHERE key = 'staging'`).get() as { id: number };
      const longAgo = Date.now() - 10 * 60_000;
      db.prepare(
        `INSERT INTO sdk_instances (environment_id, instance_id, sdk_name, sdk_version, revision, key_kind, first_seen_at, last_seen_at)
         VALUES (?, 'stopped', '@ensign/sdk-node', '0.0.9', 0, 'server', ?, ?)`,
      ).run(staging.id, longAgo, longAgo);
    } finally {
      db.close();
    }
    for (const [instanceId, held] of [
      ['web-1', revision],
      ['web-2', revision],
      ['web-3', revision - 1],
      ['worker-1', revision - 1],
    ] as const)
      expect((await send(report({ instanceId, revision: held }), key)).status).toBe(202);

    let res = await admin('GET', `${env('staging')}/propagation`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      environment: 'staging',
      revision,
      window: 60,
      instances: { seen: 4, current: 2 },
      summary: `revision ${revision}: held by 2 of 4 instances seen in the last minute`,
    });
    expect(res.body.instances.lagging.map((i: { instanceId: string }) => i.instanceId).sort()).toEqual([
      'web-3',
      'worker-1',
    ]);
    expect(res.body.instances.lagging[0]).toEqual({
      instanceId: expect.any(String),
      sdk: { name: '@ensign/sdk-node', version: '0.1.0' },
      kind: 'server',
      revision: revision - 1,
      lastSeen: expect.any(String),
    });
    // A longer window also counts the instance that stopped reporting.
    res = await admin('GET', `${env('staging')}/propagation?window=3600`);
    expect(res.body.instances).toMatchObject({ seen: 5, current: 2 });

    // A new revision: nobody holds it until they report it, as SDKs do right after applying it.
    expect((await toggle(false)).status).toBe(200);
    res = await admin('GET', `${env('staging')}/propagation`);
    expect(res.body).toMatchObject({ revision: revision + 1, instances: { seen: 4, current: 0 } });
    for (const instanceId of ['web-1', 'web-2', 'web-3', 'worker-1'])
      expect((await send(report({ instanceId, revision: revision + 1 }), key)).status).toBe(202);
    res = await admin('GET', `${env('staging')}/propagation`);
    expect(res.body.summary).toBe(
      `revision ${revision + 1}: held by 4 of 4 instances seen in the last minute`,
    );
    expect(res.body.instances.lagging).toEqual([]);

    expect((await admin('GET', `${env('staging')}/propagation?window=soon`)).status).toBe(400);
    expect((await admin('GET', `${env('nowhere')}/propagation`)).status).toBe(404);
    expect((await admin('GET', `${env('staging')}/propagation`, { key: key })).status).toBe(403);
  });
});

describe('GET /metrics', () => {
  /** Opens an SDK stream and resolves once it has received `until` (it is subscribed by then). */
  async function openStream(headers: Record<string, string> = {}, until = 'event: snapshot') {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/sdk/v1/stream`, {
      headers: { Authorization: `Bearer ${sdkKey('production')}`, ...headers },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes(until)) {
      const { value, done } = await within(reader.read(), 5_000, 'the stream to start');
      if (done) throw new Error('the stream ended');
      text += decoder.decode(value, { stream: true });
    }
    return {
      text: () => text,
      close: () => controller.abort(),
    };
  }

  /** Scrapes until `check` holds (the server notices a closed connection asynchronously). */
  async function eventually(check: (m: Awaited<ReturnType<typeof scrape>>) => boolean) {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const metrics = await scrape();
      if (check(metrics)) return metrics;
      if (Date.now() > deadline) throw new Error('the metrics never matched');
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('is Prometheus text with process metrics, and the open-streams gauge follows SDK streams', async () => {
    const before = await scrape();
    expect(before.types.get('process_cpu_seconds_total')).toBe('counter');
    expect(before.types.get('nodejs_heap_size_used_bytes')).toBe('gauge');
    expect(before.value('ensign_sdk_streams_open', { audience: 'server' })).toBe(0);

    const stream = await openStream();
    const open = await scrape();
    expect(open.value('ensign_sdk_streams_open', { audience: 'server' })).toBe(1);
    expect(open.value('ensign_sdk_streams_open', { audience: 'client' })).toBe(0);

    stream.close();
    await eventually((m) => m.value('ensign_sdk_streams_open', { audience: 'server' }) === 0);
  });

  it('counts reconnects by replay or snapshot, published events and timed flag writes', async () => {
    const before = await scrape();
    const counter = (m: typeof before, name: string, labels: Record<string, string> = {}) =>
      m.value(name, labels) ?? 0;
    const revision = await revisionOf('production');

    // Resuming at the current revision is a replay (of nothing); an unusable id gets a snapshot.
    const replayed = await openStream({ 'Last-Event-ID': String(revision) }, 'retry:');
    const snapshot = await openStream({ 'Last-Event-ID': 'not-a-revision' });
    expect(replayed.text()).not.toContain('event: snapshot');
    const toggled = await admin('POST', `${env('production')}/flags/checkout/toggle`, { body: { on: true } });
    expect(toggled.status).toBe(200);
    replayed.close();
    snapshot.close();

    const after = await eventually((m) => m.value('ensign_sdk_streams_open', { audience: 'server' }) === 0);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      counter(after, name, labels) - counter(before, name, labels);
    expect(delta('ensign_sdk_stream_reconnects_total', { served_by: 'replay' })).toBe(1);
    expect(delta('ensign_sdk_stream_reconnects_total', { served_by: 'snapshot' })).toBe(1);
    expect(delta('ensign_sdk_events_published_total')).toBeGreaterThanOrEqual(1);
    expect(delta('ensign_flag_write_duration_seconds_count', { operation: 'commit', outcome: 'ok' })).toBe(1);
    expect(counter(after, 'ensign_sdk_slow_consumers_dropped_total')).toBe(0);
  });

  it('counts HTTP requests by route pattern and status class, never by raw path', async () => {
    const propagation = { method: 'GET', route: '/api/v1/projects/:project/environments/:env/propagation' };
    const before = await scrape();
    expect((await admin('GET', `${env('production')}/propagation`)).status).toBe(200);
    expect((await admin('GET', `${env('production')}/propagation`)).status).toBe(200);
    expect((await admin('GET', `${env('no-such-env')}/propagation`)).status).toBe(404);
    const after = await scrape();
    const delta = (status: string) =>
      (after.value('ensign_http_requests_total', { ...propagation, status }) ?? 0) -
      (before.value('ensign_http_requests_total', { ...propagation, status }) ?? 0);
    expect([delta('2xx'), delta('4xx')]).toEqual([2, 1]);
    const routes = after.samples
      .filter((s) => s.name === 'ensign_http_requests_total')
      .map((s) => s.labels.route!);
    expect(routes).toContain('/sdk/v1/telemetry');
    expect(routes.filter((r) => /production|development|staging|no-such-env/.test(r))).toEqual([]);
  });
});

describe('a server with a metrics token', () => {
  it('answers /metrics only with the token', async () => {
    const tokenDir = mkdtempSync(join(tmpdir(), 'ensign-metrics-token-'));
    const token = 'scrape-me-0123456789abcdef';
    const guarded = await startServer(join(tokenDir, 'ensign.db'), ['--metrics-token', token]);
    try {
      const without = await fetch(`${guarded.url}/metrics`);
      expect(without.status).toBe(401);
      expect((await json(without)).error.code).toBe('unauthorized');
      const wrong = await fetch(`${guarded.url}/metrics`, {
        headers: { Authorization: 'Bearer wrong-token-0123456789' },
      });
      expect(wrong.status).toBe(401);
      const ok = await fetch(`${guarded.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(parsePrometheusText(await ok.text()).types.get('ensign_http_requests_total')).toBe('counter');
    } finally {
      await kill(guarded);
      rmSync(tokenDir, { recursive: true, force: true });
    }
  });
});
