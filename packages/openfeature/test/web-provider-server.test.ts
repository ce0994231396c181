/**
 * The web provider against a real Ensign server (client key, SSE through a cuttable proxy; Node has
 * no EventSource, so the `eventsource` package stands in through the SDK's seam): a flag changed via
 * the admin API → PROVIDER_CONFIGURATION_CHANGED and the new value; a context change → the new value
 * with no request; STALE when cut off, READY again; a refused key → FATAL.
 */
import type { BrowserClientOptions } from '@ensign/browser';
import {
  type AdminClient,
  adminClient,
  type EnsignServer,
  startEnsignServer,
  startTcpProxy,
  type TcpProxy,
} from '@ensign/test-server';
import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/web-sdk';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnsignWebProvider } from '../src/web/index.js';

const project = '/api/v1/projects/default';
const configPath = (flag: string) => `${project}/environments/development/flags/${flag}`;
const NodeEventSource = EventSource as unknown as NonNullable<BrowserClientOptions['EventSource']>;

let server: EnsignServer;
let admin: AdminClient;
let clientKey: string;
let proxy: TcpProxy;

async function defineClientFlag(
  key: string,
  type: 'boolean' | 'string',
  variations: unknown[],
  config: Record<string, unknown>,
): Promise<void> {
  expect(
    (await admin('POST', `${project}/flags`, { body: { key, name: key, type, variations } })).status,
  ).toBe(201);
  const current = await admin('GET', configPath(key));
  const res = await admin('PUT', configPath(key), {
    body: { ...current.body, on: true, clientSide: true, ...config },
    headers: { 'If-Match': current.headers.get('ETag')! },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function until(what: string, ok: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  server = await startEnsignServer();
  admin = adminClient(server.url, server.keys.get('admin')!);
  clientKey = server.keys.get('development client SDK')!;
  await defineClientFlag('beta', 'boolean', [true, false], {
    fallthrough: { variation: 1 },
    rules: [
      { id: 'pro', clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variation: 0 } },
    ],
  });
  await defineClientFlag('banner', 'string', ['hello', 'bye'], { fallthrough: { variation: 0 } });
  proxy = await startTcpProxy({ host: '127.0.0.1', port: server.port });
});
afterAll(async () => {
  await OpenFeature.close();
  await proxy?.close();
  await server?.stop({ removeData: true });
});

describe('EnsignWebProvider against a real server', () => {
  it('CONFIGURATION_CHANGED on a server change, a request-free context change, STALE and READY again', async () => {
    let requests = 0;
    const countingFetch: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    class CountingEventSource extends NodeEventSource {
      constructor(...args: ConstructorParameters<typeof NodeEventSource>) {
        requests++;
        super(...args);
      }
    }
    const provider = new EnsignWebProvider({
      clientKey,
      baseUrl: proxy.url,
      fetch: countingFetch,
      EventSource: CountingEventSource,
      cache: false,
      telemetry: false,
      staleAfterMs: 200,
      reconnect: { initialMs: 50, maxMs: 100 },
    });
    const client = OpenFeature.getClient('live');
    const events: Array<[string, string[] | undefined]> = [];
    for (const event of [
      ProviderEvents.Ready,
      ProviderEvents.ConfigurationChanged,
      ProviderEvents.ContextChanged,
      ProviderEvents.Stale,
      ProviderEvents.Error,
    ])
      client.addHandler(event, (details) =>
        events.push([event, details?.flagsChanged as string[] | undefined]),
      );

    await OpenFeature.setProviderAndWait('live', provider, { targetingKey: 'u1', plan: 'free' });
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(client.getBooleanValue('beta', true)).toBe(false);
    expect(client.getStringDetails('banner', 'none')).toMatchObject({
      value: 'hello',
      variant: '0',
      reason: 'DEFAULT',
    });

    const res = await admin('PUT', `${configPath('banner')}/fallthrough`, { body: { variation: 1 } });
    expect(res.status).toBe(200);
    await until('CONFIGURATION_CHANGED', () =>
      events.some(([e]) => e === ProviderEvents.ConfigurationChanged),
    );
    expect(events.find(([e]) => e === ProviderEvents.ConfigurationChanged)?.[1]).toEqual(['banner']);
    expect(client.getStringDetails('banner', 'none')).toMatchObject({ value: 'bye', variant: '1' });

    const requestsBefore = requests;
    await OpenFeature.setContext('live', { targetingKey: 'u1', plan: 'pro' });
    expect(client.getBooleanDetails('beta', false)).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    expect(requests).toBe(requestsBefore); // evaluated locally: no request

    proxy.cut();
    await until('STALE', () => client.providerStatus === ProviderStatus.STALE);
    expect(client.getBooleanValue('beta', false)).toBe(true); // still evaluating from memory
    proxy.restore();
    await until('READY again', () => client.providerStatus === ProviderStatus.READY);

    expect(events.map(([e]) => e)).toEqual([
      ProviderEvents.Ready,
      ProviderEvents.ConfigurationChanged,
      ProviderEvents.ContextChanged,
      ProviderEvents.Stale,
      ProviderEvents.Ready,
    ]);
  });

  it('fails initialisation with PROVIDER_FATAL when the key is refused', async () => {
    const provider = new EnsignWebProvider({
      clientKey: `ens_cli_${'x'.repeat(43)}`,
      baseUrl: server.url,
      EventSource: NodeEventSource,
      cache: false,
      telemetry: false,
    });
    const errors: unknown[] = [];
    OpenFeature.getClient('refused').addHandler(ProviderEvents.Error, (details) =>
      errors.push(details?.message),
    );
    await expect(OpenFeature.setProviderAndWait('refused', provider, { targetingKey: 'u' })).rejects.toThrow(
      /refused \(401\)/,
    );
    expect(OpenFeature.getClient('refused').providerStatus).toBe(ProviderStatus.FATAL);
    expect(errors).toEqual([expect.stringMatching(/refused/)]); // once: the SDK's, not again from the provider
    expect(provider.client?.status).toBe('error');
  });
});
