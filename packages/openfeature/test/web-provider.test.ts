/**
 * The web provider through the official `@openfeature/web-sdk` (static context): values, variants,
 * reasons, error codes, metadata, context changes and events — with an offline bootstrapped
 * `@ensign/browser` client.
 */
import { createClient } from '@ensign/browser';
import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/web-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { EnsignWebProvider } from '../src/web/index.js';
import { snapshot } from './provider-flags.js';

const offline = { offline: true, cache: false, telemetry: false, bootstrap: snapshot } as const;

afterAll(async () => {
  await OpenFeature.close();
});

describe('EnsignWebProvider through @openfeature/web-sdk', () => {
  it('resolves every type with variant, reason and metadata, for the static context', async () => {
    await OpenFeature.setProviderAndWait('types', new EnsignWebProvider(offline), {
      targetingKey: 'u1',
      plan: 'pro',
    });
    const client = OpenFeature.getClient('types');
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(client.getBooleanDetails('beta', false)).toMatchObject({
      value: true,
      variant: '0',
      reason: 'TARGETING_MATCH',
      flagMetadata: { ensignReason: 'RULE_MATCH', ruleId: 'pro', ruleIndex: 0, flagVersion: 1 },
    });
    const colour = client.getStringDetails('colour', 'none');
    expect(['red', 'green']).toContain(colour.value);
    expect(colour).toMatchObject({ reason: 'SPLIT', variant: colour.value === 'red' ? '0' : '1' });
    expect(client.getNumberDetails('limit', 0)).toMatchObject({
      value: 100,
      variant: '1',
      reason: 'DEFAULT',
    });
    expect(client.getObjectValue('layout', {})).toEqual({ columns: 2 });
    expect(client.getBooleanDetails('dark', true)).toMatchObject({
      value: false,
      variant: '1',
      reason: 'DISABLED',
      flagMetadata: { ensignReason: 'OFF' },
    });
  });

  it('serves the default with OpenFeature error codes', async () => {
    await OpenFeature.setProviderAndWait('errors', new EnsignWebProvider(offline), { targetingKey: 'u' });
    const client = OpenFeature.getClient('errors');
    expect(client.getBooleanDetails('missing', true)).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(client.getNumberDetails('beta', 7)).toMatchObject({
      value: 7,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
    expect(client.getStringDetails('limit', 'x')).toMatchObject({
      value: 'x',
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
    expect(client.getObjectDetails('beta', { a: 1 })).toMatchObject({
      value: { a: 1 },
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
    expect(client.getBooleanDetails('beta', true).variant).toBe('1'); // no plan: fallthrough, and no error
  });

  it('answers PROVIDER_NOT_READY before initialisation when it creates its client', () => {
    const provider = new EnsignWebProvider(offline);
    expect(provider.client).toBeUndefined();
    expect(provider.resolveBooleanEvaluation('beta', true)).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: 'PROVIDER_NOT_READY',
    });
  });

  it('re-evaluates on a context change synchronously: CONTEXT_CHANGED, no RECONCILING, no CONFIGURATION_CHANGED', async () => {
    const provider = new EnsignWebProvider(offline);
    await OpenFeature.setProviderAndWait('context', provider, { targetingKey: 'u1', plan: 'free' });
    const client = OpenFeature.getClient('context');
    const events: string[] = [];
    for (const event of [
      ProviderEvents.ContextChanged,
      ProviderEvents.Reconciling,
      ProviderEvents.ConfigurationChanged,
    ])
      client.addHandler(event, () => events.push(event));
    expect(client.getBooleanValue('beta', true)).toBe(false);

    await OpenFeature.setContext('context', { targetingKey: 'u1', plan: 'pro' });
    expect(client.getBooleanValue('beta', false)).toBe(true);
    expect(provider.client?.context).toEqual({ key: 'u1', plan: 'pro' });
    expect(events).toEqual([ProviderEvents.ContextChanged]);
    expect(client.providerStatus).toBe(ProviderStatus.READY);
  });

  it('uses a given client: identifies it with a non-empty context, and leaves it open on close', async () => {
    const shared = createClient({ ...offline, context: { key: 'u9', plan: 'pro' } });
    const provider = new EnsignWebProvider(shared);
    expect(provider.client).toBe(shared);
    await OpenFeature.setProviderAndWait('shared', provider); // empty context: keeps the client's
    expect(OpenFeature.getClient('shared').getBooleanValue('beta', false)).toBe(true);
    await OpenFeature.setContext('shared', { targetingKey: 'u9' });
    expect(OpenFeature.getClient('shared').getBooleanValue('beta', true)).toBe(false);
    await provider.onClose(); // what OpenFeature calls when the provider is replaced or closed
    expect(shared.status).not.toBe('closed');
    await shared.close();
  });

  it('closes the client it created', async () => {
    const provider = new EnsignWebProvider(offline);
    await OpenFeature.setProviderAndWait('owned', provider, { targetingKey: 'u' });
    const created = provider.client!;
    expect(created.status).toBe('ready');
    await provider.onClose();
    expect(created.status).toBe('closed');
  });
});
