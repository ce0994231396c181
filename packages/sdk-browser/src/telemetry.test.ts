/**
 * Telemetry: the report's shape (docs/protocol.md § Telemetry), counts by variation, keys the server
 * would refuse left out, the beacon with its fetch fallback, the instance id per page session, and
 * when reports go out (periodically, after a new revision, when hidden and on close).
 * The server's acceptance of these reports is tested in test/server.test.ts and test/e2e.test.ts.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  boolFlag,
  fakeDocument,
  fakeEventSources,
  fakeFetch,
  installGlobal,
  memoryStorage,
} from '../test/fakes.js';
import { createClient } from './client.js';
import { SDK } from './telemetry.js';

type Report = {
  sdk: { name: string; version: string };
  instanceId: string;
  revision: number;
  window: { start: string; end: string };
  flags: Record<string, Record<string, number>>;
};
const url = 'https://flags.test/sdk/v1/telemetry?key=ens_cli_k';
let network: ReturnType<typeof fakeFetch>;
const restores: Array<() => void> = [];
const sent = (): Report[] =>
  network.requests.filter((r) => r.url === url).map((r) => JSON.parse(String(r.init!.body)) as Report);

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-11-28T13:00:00Z') });
  network = fakeFetch(() => ({ status: 202 }));
  restores.push(installGlobal('sessionStorage', memoryStorage()));
});
afterEach(() => {
  for (const restore of restores.splice(0)) restore();
  vi.useRealTimers();
});

/** A client holding `checkout` (targets u-vip, else variation 1) at revision 5; telemetry every `intervalMs`. */
const reporting = (intervalMs = 30_000) => {
  const sources = fakeEventSources();
  const client = createClient({
    clientKey: 'ens_cli_k',
    baseUrl: 'https://flags.test',
    context: { key: 'u1' },
    cache: false,
    telemetry: { intervalMs },
    EventSource: sources.Source,
    fetch: network.fetch,
  });
  sources.last().accept();
  sources
    .last()
    .send('snapshot', { revision: 5, flags: [boolFlag('checkout', 1, 1, ['u-vip'])], segments: [] });
  return { client, source: sources.last() };
};

describe('the report', () => {
  it('reports counts by variation ("default" for the caller default), the revision and the window', async () => {
    const { client, source } = reporting();
    await vi.advanceTimersByTimeAsync(1_000); // a second after a new revision
    expect(sent()).toEqual([
      {
        sdk: { name: '@ensign/browser', version: SDK.version },
        instanceId: expect.stringMatching(/^[a-z0-9]{8,}$/),
        revision: 5,
        window: { start: '2026-11-28T13:00:00.000Z', end: '2026-11-28T13:00:01.000Z' },
        flags: {},
      },
    ]);
    expect(network.requests[0]!.init).toMatchObject({ method: 'POST', keepalive: true });
    client.boolVariation('checkout', true);
    client.boolVariation('checkout', true);
    client.identify({ key: 'u-vip' });
    client.boolVariation('checkout', false);
    client.boolVariation('gone', false);
    await vi.advanceTimersByTimeAsync(29_000); // the interval
    expect(sent()[1]).toMatchObject({
      revision: 5,
      window: { start: '2026-11-28T13:00:01.000Z', end: '2026-11-28T13:00:30.000Z' },
      flags: { checkout: { '0': 1, '1': 2 }, gone: { default: 1 } },
    });
    source.send('change', { revision: 6, flags: [], segments: [] });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent()[2]).toMatchObject({
      revision: 6,
      window: { start: '2026-11-28T13:00:30.000Z' },
      flags: {},
    });
    await client.close();
  });

  it('leaves out keys the server would refuse, and keeps at most 1,000 flags', async () => {
    const { client } = reporting();
    for (const key of ['Upper', '_x', '', 'a'.repeat(65), 'constructor', '__proto__'])
      client.variation(key, 0);
    for (let i = 0; i < 1_100; i++) client.variation(`f${i}`, 0);
    await client.close();
    const flags = sent()[0]!.flags;
    expect(Object.keys(flags)).toHaveLength(1_000);
    expect(flags.constructor).toEqual({ default: 1 });
    expect(Object.keys(flags)).not.toContain('Upper');
  });

  it('never reports a window longer than an hour (the server refuses those)', async () => {
    const { client } = reporting(24 * 3_600_000);
    await vi.advanceTimersByTimeAsync(5 * 3_600_000);
    await client.close();
    const { start, end } = sent().at(-1)!.window;
    expect(Date.parse(end) - Date.parse(start)).toBe(3_600_000);
  });

  it('sends with navigator.sendBeacon when there is one, falling back to fetch when it refuses', async () => {
    const beacons: Array<[string, string]> = [];
    let accept = true;
    restores.push(
      installGlobal('navigator', {
        sendBeacon(to: string, body: string) {
          beacons.push([to, body]);
          return accept;
        },
      }),
    );
    await reporting().client.close();
    expect(beacons).toHaveLength(1);
    expect(beacons[0]![0]).toBe(url);
    expect(typeof beacons[0]![1]).toBe('string'); // a string body: sent as text/plain, no preflight
    expect(network.requests).toEqual([]);
    accept = false;
    await reporting().client.close();
    expect(beacons).toHaveLength(2);
    expect(network.requests).toHaveLength(1);
  });

  it('keeps one instance id per page session (sessionStorage), and works without it', async () => {
    await reporting().client.close();
    await reporting().client.close();
    const [a, b] = sent();
    expect(a!.instanceId).toBe(b!.instanceId);
    restores.push(installGlobal('sessionStorage', undefined));
    await reporting().client.close();
    expect(sent()[2]!.instanceId).not.toBe(a!.instanceId);
  });

  it('swallows a failed send (statistics never break the page)', async () => {
    network = fakeFetch(() => {
      throw new TypeError('network down');
    });
    const { client } = reporting();
    await expect(client.close()).resolves.toBeUndefined();
    await vi.advanceTimersByTimeAsync(0);
    expect(network.requests.map((r) => r.url)).toEqual([url]); // attempted, and dropped
  });

  it('reports the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(SDK).toEqual({ name: pkg.name, version: pkg.version });
  });
});

describe('telemetry of a client', () => {
  const start = (extra = {}) => {
    const sources = fakeEventSources();
    const client = createClient({
      clientKey: 'ens_cli_k',
      baseUrl: 'https://flags.test',
      context: { key: 'u1' },
      cache: false,
      telemetry: { intervalMs: 10_000 },
      EventSource: sources.Source,
      fetch: network.fetch,
      ...extra,
    });
    sources.last().accept();
    sources.last().send('snapshot', { revision: 9, flags: [boolFlag('a', 1, 0)], segments: [] });
    return client;
  };

  it('reports after a new revision, every interval, and on close, counting typed and untyped evaluations', async () => {
    const client = start();
    client.boolVariation('a', false);
    client.variationDetail('a', false);
    client.stringVariation('a', 'x'); // wrong type: the default
    client.allFlags(); // not an evaluation by the caller
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent()).toHaveLength(1);
    expect(sent()[0]).toMatchObject({ revision: 9, flags: { a: { '0': 2, default: 1 } } });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent()).toHaveLength(2);
    client.boolVariation('a', false);
    await client.close();
    expect(sent()).toHaveLength(3);
    expect(sent()[2]!.flags).toEqual({ a: { '0': 1 } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent()).toHaveLength(3);
  });

  it('reports (and writes the cache) when the page is hidden, and skips periodic reports while hidden', async () => {
    const doc = fakeDocument();
    restores.push(installGlobal('document', doc));
    const client = start();
    await vi.advanceTimersByTimeAsync(1_000);
    const before = sent().length;
    doc.setHidden(true);
    expect(sent()).toHaveLength(before + 1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent()).toHaveLength(before + 1);
    doc.setHidden(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent()).toHaveLength(before + 2); // periodic again
    await client.close();
  });

  it('sends nothing with telemetry: false, or offline', async () => {
    const client = start({ telemetry: false });
    client.boolVariation('a', false);
    await vi.advanceTimersByTimeAsync(120_000);
    await client.close();
    const offline = createClient({
      offline: true,
      context: {},
      bootstrap: { revision: 1, flags: [], segments: [] },
    });
    offline.boolVariation('a', false);
    await offline.close();
    expect(sent()).toEqual([]);
  });
});
