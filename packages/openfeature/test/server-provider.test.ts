/**
 * The server provider through the official `@openfeature/server-sdk`: values, variants, reasons,
 * error codes, metadata; and provider events from a real Ensign server behind a cuttable proxy.
 */
import {
  type AdminClient,
  adminClient,
  type EnsignServer,
  startEnsignServer,
  startTcpProxy,
  type TcpProxy,
} from '@ensign/test-server';
import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { EnsignProvider } from '../src/server/index.js';
import { snapshot } from './provider-flags.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('EnsignProvider through @openfeature/server-sdk', () => {
  it('resolves every type with variant, reason and metadata', async () => {
    await OpenFeature.setProviderAndWait(
      'offline',
      new EnsignProvider({ offline: true, bootstrap: snapshot }),
    );
    const client = OpenFeature.getClient('offline');
    const pro = await client.getBooleanDetails('beta', false, { targetingKey: 'u1', plan: 'pro' });
    expect(pro).toMatchObject({
      value: true,
      variant: '0',
      reason: 'TARGETING_MATCH',
      flagMetadata: { ensignReason: 'RULE_MATCH', ruleId: 'pro', ruleIndex: 0, flagVersion: 1 },
    });
    expect(await client.getBooleanDetails('beta', true, { targetingKey: 'u1' })).toMatchObject({
      value: false,
      reason: 'DEFAULT',
    });
    const colour = await client.getStringDetails('colour', 'none', { targetingKey: 'u1' });
    expect(['red', 'green']).toContain(colour.value);
    expect(colour.reason).toBe('SPLIT');
    expect(await client.getNumberValue('limit', 0, { targetingKey: 'u1' })).toBe(100);
    expect(await client.getObjectValue('layout', {}, { targetingKey: 'u1' })).toEqual({ columns: 2 });
    expect(await client.getBooleanDetails('dark', true, { targetingKey: 'u1' })).toMatchObject({
      value: false,
      reason: 'DISABLED',
    });
  });

  it('serves the default with OpenFeature error codes', async () => {
    await OpenFeature.setProviderAndWait(
      'errors',
      new EnsignProvider({ offline: true, bootstrap: snapshot }),
    );
    const client = OpenFeature.getClient('errors');
    expect(await client.getBooleanDetails('missing', true, { targetingKey: 'u' })).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(await client.getNumberDetails('beta', 7, { targetingKey: 'u' })).toMatchObject({
      value: 7,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
  });

  it('fails initialisation when the key is refused: provider ERROR', async () => {
    const server = await startEnsignServer();
    try {
      const provider = new EnsignProvider({
        sdkKey: 'ens_srv_notarealkey0000000000000000000000000000000',
        baseUrl: server.url,
        logger: quiet,
      });
      await expect(OpenFeature.setProviderAndWait('refused', provider)).rejects.toBeDefined();
      expect(OpenFeature.getClient('refused').providerStatus).toBe(ProviderStatus.ERROR);
      await provider.onClose();
    } finally {
      await server.stop({ removeData: true });
    }
  });
});

describe('provider events from a real server', () => {
  let server: EnsignServer;
  let proxy: TcpProxy;
  let admin: AdminClient;
  afterAll(async () => {
    await OpenFeature.close();
    await proxy?.close();
    await server?.stop({ removeData: true });
  });

  it('READY, CONFIGURATION_CHANGED with the changed flags, STALE when cut off, READY again', async () => {
    server = await startEnsignServer();
    admin = adminClient(server.url, server.keys.get('admin')!);
    expect(
      (
        await admin('POST', '/api/v1/projects/default/flags', {
          body: { key: 'kill-switch', name: 'k', type: 'boolean', variations: [true, false] },
        })
      ).status,
    ).toBe(201);
    proxy = await startTcpProxy({ host: '127.0.0.1', port: server.port });
    const events: Array<[string, unknown]> = [];
    const provider = new EnsignProvider({
      sdkKey: server.keys.get('production server SDK')!,
      baseUrl: proxy.url,
      staleAfterMs: 200,
      reconnect: { initialMs: 50, maxMs: 100 },
      logger: quiet,
    });
    const client = OpenFeature.getClient('live');
    for (const event of [
      ProviderEvents.Ready,
      ProviderEvents.ConfigurationChanged,
      ProviderEvents.Stale,
      ProviderEvents.Error,
    ])
      client.addHandler(event, (details) => events.push([event, details?.flagsChanged]));
    await OpenFeature.setProviderAndWait('live', provider);
    expect(client.providerStatus).toBe(ProviderStatus.READY);

    await admin('POST', '/api/v1/projects/default/environments/production/flags/kill-switch/toggle', {
      body: { on: true },
    });
    const until = async (what: string, ok: () => boolean) => {
      const end = Date.now() + 5_000;
      while (!ok()) {
        if (Date.now() > end)
          throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await until('CONFIGURATION_CHANGED', () =>
      events.some(([e]) => e === ProviderEvents.ConfigurationChanged),
    );
    expect(events.find(([e]) => e === ProviderEvents.ConfigurationChanged)?.[1]).toEqual(['kill-switch']);

    proxy.cut();
    await until('STALE', () => client.providerStatus === ProviderStatus.STALE);
    expect(await client.getBooleanValue('kill-switch', true, { targetingKey: 'u' })).toBe(false); // still evaluating
    proxy.restore();
    await until('READY again', () => client.providerStatus === ProviderStatus.READY);
    expect(events.map(([e]) => e)).toEqual([
      ProviderEvents.Ready,
      ProviderEvents.ConfigurationChanged,
      ProviderEvents.Stale,
      ProviderEvents.Ready,
    ]);
  });
});
