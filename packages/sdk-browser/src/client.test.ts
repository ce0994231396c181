/**
 * The client without a network (offline, or before anything arrives): evaluation and its reasons,
 * identify, change events, ready(), and evaluation that never throws. The connection is tested in
 * connection.test.ts, the cache in cache.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { boolFlag, fakeEventSources, fakeFetch } from '../test/fakes.js';
import { createClient } from './client.js';
import type { ChangeEvent, SnapshotPayload } from './types.js';

const json = {
  key: 'layout',
  version: 3,
  type: 'json',
  on: true,
  variations: [{ columns: 2 }, { columns: 3 }],
  offVariation: 0,
  rules: [
    { id: 'pro', clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variation: 1 } },
  ],
  fallthrough: { variation: 0 },
};
const label = {
  key: 'label',
  version: 1,
  type: 'string',
  on: true,
  variations: ['A', 'B'],
  offVariation: 0,
  rules: [
    { id: 'de', clauses: [{ attribute: 'country', op: 'in', values: ['DE'] }], serve: { variation: 1 } },
  ],
  fallthrough: { variation: 0 },
};
const bootstrap: SnapshotPayload = {
  revision: 7,
  flags: [boolFlag('checkout', 2, 1, ['u-vip']), json, label],
  segments: [],
};
const offline = (extra: Record<string, unknown> = {}) =>
  createClient({ offline: true, cache: false, context: { key: 'u1' }, bootstrap, ...extra });

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('evaluation', () => {
  it('serves values, details and reasons from the bootstrap, synchronously from creation', () => {
    const client = offline();
    expect(client.status).toBe('ready');
    expect(client.revision).toBe(7);
    expect(client.boolVariation('checkout', true)).toBe(false);
    expect(client.boolVariationDetail('checkout', true)).toEqual({
      value: false,
      variationIndex: 1,
      reason: { kind: 'FALLTHROUGH', inRollout: false },
      flagVersion: 2,
    });
    expect(client.stringVariation('label', 'x')).toBe('A');
    expect(client.jsonVariation('layout', {})).toEqual({ columns: 2 });
    expect(client.variation('checkout', 'untyped')).toBe(false); // the flag's own type decides
    expect(client.allFlags()).toEqual({ checkout: false, layout: { columns: 2 }, label: 'A' });
  });

  it('serves the default for an unknown flag, a wrong type, and before any flags', () => {
    const client = offline();
    expect(client.numberVariationDetail('checkout', 5)).toMatchObject({
      value: 5,
      variationIndex: undefined,
      reason: { kind: 'ERROR', errorKind: 'WRONG_TYPE' },
    });
    expect(client.stringVariationDetail('nope', 'd').reason).toMatchObject({ errorKind: 'FLAG_NOT_FOUND' });
    const empty = createClient({ offline: true, cache: false, context: { key: 'u1' } });
    expect(empty.status).toBe('initializing');
    expect(empty.boolVariationDetail('checkout', true)).toMatchObject({
      value: true,
      reason: { kind: 'ERROR', errorKind: 'CLIENT_NOT_READY' },
    });
    expect(empty.allFlags()).toEqual({});
  });

  it('serves JSON values frozen (deeply), with a stable identity between calls', () => {
    const nested = { ...json, variations: [{ columns: 2, sizes: [1, { w: 2 }] }, {}] };
    const input: SnapshotPayload = { ...bootstrap, flags: [nested] };
    const client = offline({ bootstrap: input });
    const a = client.jsonVariation('layout', {}) as { sizes: [number, object] };
    expect(client.jsonVariation('layout', {})).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.sizes) && Object.isFrozen(a.sizes[1])).toBe(true);
    expect(client.allFlags().layout).toBe(a);
    expect(client.variationDetail('layout', null).value).toBe(a);
    expect(Object.isFrozen(nested.variations[0])).toBe(false); // the caller's bootstrap is copied, not frozen
  });
});

describe('identify', () => {
  it('re-evaluates synchronously, emitting the keys whose value changed, without any request', () => {
    const network = fakeFetch(() => ({ status: 500 }));
    const client = offline({ fetch: network.fetch });
    const changes: ChangeEvent[] = [];
    client.on('change', (e) => changes.push(e));
    const before = client.jsonVariation('layout', {});

    client.identify({ key: 'u-vip', country: 'DE' });
    expect(client.context).toEqual({ key: 'u-vip', country: 'DE' });
    expect(changes).toEqual([{ keys: ['checkout', 'label'], revision: 7 }]);
    expect(client.boolVariation('checkout', false)).toBe(true);
    expect(client.stringVariation('label', 'x')).toBe('B');
    expect(client.jsonVariation('layout', {})).toBe(before); // unchanged, same object

    client.identify({ key: 'u-vip', country: 'DE', plan: 'free' });
    expect(changes).toHaveLength(1); // nothing changed: no event
    client.identify({ key: 'u2', plan: 'pro' });
    expect(changes[1]).toEqual({ keys: ['checkout', 'layout', 'label'], revision: 7 });
    expect(network.requests).toEqual([]);
  });

  it('drops a flag from allFlags when it cannot be evaluated for the new context, and says so', () => {
    const rollout = {
      ...boolFlag('rollout', 1, 0),
      fallthrough: { rollout: { variations: [{ variation: 0, weight: 100_000 }] } },
    };
    const client = createClient({
      offline: true,
      cache: false,
      context: { key: 'u1' },
      bootstrap: { revision: 1, flags: [rollout], segments: [] },
    });
    const changes: ChangeEvent[] = [];
    client.on('change', (e) => changes.push(e));
    expect(client.allFlags()).toEqual({ rollout: true });
    client.identify({}); // no key to bucket by
    expect(client.allFlags()).toEqual({});
    expect(changes).toEqual([{ keys: ['rollout'], revision: 1 }]);
  });
});

describe('never throws', () => {
  it('catches a throwing listener, reports it, and still calls the others', () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    const client = offline();
    const seen: string[][] = [];
    client.on('change', () => {
      throw new Error('listener bug');
    });
    client.on('change', (e) => seen.push(e.keys));
    expect(() => client.identify({ key: 'u-vip' })).not.toThrow();
    expect(seen).toEqual([['checkout']]);
    expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener bug' }));
  });

  it('serves the default with an EXCEPTION reason for a context whose attributes throw', () => {
    const client = offline();
    const hostile = new Proxy(
      { key: 'u1' },
      {
        get(target, name) {
          if (name === 'country') throw new Error('getter bug');
          return Reflect.get(target, name);
        },
      },
    );
    expect(() => client.identify(hostile)).not.toThrow();
    expect(client.stringVariationDetail('label', 'd')).toMatchObject({
      value: 'd',
      reason: { kind: 'ERROR' },
    });
    expect(client.boolVariation('checkout', true)).toBe(false); // other flags still work
  });

  it.each([
    ['null', null],
    ['no revision', { flags: [] }],
    ['a negative revision', { revision: -1, flags: [] }],
    ['flags not a list', { revision: 1, flags: 'x' }],
    ['segments not a list', { revision: 1, flags: [], segments: 7 }],
  ])('ignores a broken bootstrap (%s): not ready, defaults served', (_, broken) => {
    const client = createClient({
      offline: true,
      cache: false,
      context: { key: 'u1' },
      bootstrap: broken as unknown as SnapshotPayload,
    });
    expect(client.status).toBe('initializing');
    expect(client.boolVariation('checkout', true)).toBe(true);
  });

  it('evaluates a malformed flag to MALFORMED_FLAG and the others normally', () => {
    const client = createClient({
      offline: true,
      cache: false,
      context: { key: 'u1' },
      bootstrap: {
        revision: 1,
        flags: [{ key: 'bad', version: 1, type: 'boolean' }, boolFlag('good', 1, 0)],
        segments: [],
      },
    });
    expect(client.boolVariationDetail('bad', true).reason).toMatchObject({ errorKind: 'MALFORMED_FLAG' });
    expect(client.boolVariation('good', false)).toBe(true);
  });

  it('reports missing options as an error status instead of throwing', async () => {
    const client = createClient({ context: { key: 'u1' } });
    expect(client.status).toBe('error');
    expect(client.error?.message).toMatch(/clientKey and baseUrl/);
    await expect(client.ready()).rejects.toThrow(/clientKey and baseUrl/);
    expect(offline().error).toBeUndefined();
    expect(client.boolVariation('x', true)).toBe(true);
  });
});

describe('ready() and close()', () => {
  it('resolves at once with flags, never hangs without them, and rejects once closed', async () => {
    await expect(offline().ready()).resolves.toBeUndefined();
    vi.useFakeTimers();
    const empty = createClient({ offline: true, cache: false, context: {} });
    const waiting = empty.ready({ timeoutMs: 500 });
    vi.advanceTimersByTime(500);
    await expect(waiting).rejects.toThrow(/timeout/);
    const pending = empty.ready();
    await empty.close();
    await expect(pending).rejects.toThrow(/closed/);
    await expect(empty.ready()).rejects.toThrow(/closed/);
  });

  it('clears its timeout once settled: nothing keeps a Node process alive', async () => {
    vi.useFakeTimers();
    await offline().ready();
    expect(vi.getTimerCount()).toBe(0);
    const empty = createClient({ offline: true, cache: false, context: {} });
    const pending = empty.ready();
    expect(vi.getTimerCount()).toBe(1);
    await empty.close();
    await expect(pending).rejects.toThrow(/closed/);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves when the first snapshot arrives, with the status listeners told', async () => {
    const sources = fakeEventSources();
    const statuses: string[] = [];
    const client = createClient({
      clientKey: 'ens_cli_k',
      baseUrl: 'https://flags.test',
      context: { key: 'u1' },
      cache: false,
      telemetry: false,
      EventSource: sources.Source,
      fetch: fakeFetch(() => ({ status: 500 })).fetch,
    });
    client.on('status', (s) => statuses.push(s));
    const changes: ChangeEvent[] = [];
    client.on('change', (e) => changes.push(e));
    const ready = client.ready();
    sources.last().accept();
    sources.last().send('snapshot', bootstrap);
    await expect(ready).resolves.toBeUndefined();
    expect(statuses).toEqual(['ready']);
    expect(changes).toEqual([]); // the first flags are announced by `ready`, not as a change (as in @ensign/node)
    sources.last().send('snapshot', { ...bootstrap, revision: 8, flags: [boolFlag('checkout', 3, 0)] });
    expect(changes).toEqual([{ keys: ['checkout', 'layout', 'label'], revision: 8 }]);
    await client.close();
    expect(statuses).toEqual(['ready', 'closed']);
    expect(sources.open()).toEqual([]);
  });

  it('removes listeners: off(), the returned unsubscribe, and close()', () => {
    const client = offline();
    const seen: string[] = [];
    const a = (e: ChangeEvent) => seen.push(`a:${e.keys}`);
    const b = (e: ChangeEvent) => seen.push(`b:${e.keys}`);
    client.on('change', a);
    const offB = client.on('change', b);
    client.identify({ key: 'u-vip' });
    client.off('change', a);
    offB();
    client.identify({ key: 'u1' });
    expect(seen).toEqual(['a:checkout', 'b:checkout']);
  });
});
