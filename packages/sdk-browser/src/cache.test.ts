/**
 * The localStorage cache, through the client: read synchronously at creation (so the first frame
 * has the flags), written after documents from the server, cleared when corrupt, and harmless when
 * storage is missing or throws.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  boolFlag,
  fakeEventSources,
  fakeFetch,
  installGlobal,
  memoryStorage,
  throwingStorage,
} from '../test/fakes.js';
import { createClient } from './client.js';
import { storage as webStorage } from './storage.js';
import type { BrowserClientOptions } from './types.js';

const key = 'ensign:https://flags.test:ens_cli_k';
const snapshot = (revision: number, fallthrough: 0 | 1) => ({
  revision,
  flags: [boolFlag('a', revision, fallthrough)],
  segments: [],
  keyHashing: { salt: 's1' },
});
let storage: ReturnType<typeof memoryStorage>;
let restore: () => void;
let sources: ReturnType<typeof fakeEventSources>;
const options = (extra: Partial<BrowserClientOptions> = {}): BrowserClientOptions => ({
  clientKey: 'ens_cli_k',
  baseUrl: 'https://flags.test',
  context: { key: 'u1' },
  telemetry: false,
  EventSource: sources.Source,
  fetch: fakeFetch(() => ({ status: 503 })).fetch,
  ...extra,
});

beforeEach(() => {
  vi.useFakeTimers();
  storage = memoryStorage();
  restore = installGlobal('localStorage', storage);
  sources = fakeEventSources();
});
afterEach(() => {
  restore();
  vi.useRealTimers();
});

describe('cache', () => {
  it('serves the cached snapshot from creation (ready at once) and resumes from its revision', async () => {
    storage.setItem(key, JSON.stringify(snapshot(12, 0)));
    const client = createClient(options());
    expect(client.status).toBe('ready');
    expect(client.boolVariation('a', false)).toBe(true);
    expect(sources.last().lastEventId()).toBe('12');
    await client.close();
  });

  it('writes what the server sent (debounced, and at once on close), key hashing included', async () => {
    const client = createClient(options());
    sources.last().accept();
    sources.last().send('snapshot', snapshot(3, 1));
    expect(storage.getItem(key)).toBeNull();
    await vi.advanceTimersByTimeAsync(999);
    expect(storage.getItem(key)).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(JSON.parse(storage.getItem(key)!)).toEqual(snapshot(3, 1));
    sources.last().send('change', {
      revision: 4,
      flags: [boolFlag('a', 4, 0)],
      segments: [],
      deleted: { flags: [], segments: [] },
    });
    await client.close();
    expect(JSON.parse(storage.getItem(key)!)).toEqual(snapshot(4, 0));
  });

  it('prefers the bootstrap, and never writes the bootstrap itself', async () => {
    storage.setItem(key, JSON.stringify(snapshot(12, 0)));
    const client = createClient(options({ bootstrap: snapshot(20, 1) }));
    expect(client.revision).toBe(20);
    expect(client.boolVariation('a', true)).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    await client.close();
    expect(JSON.parse(storage.getItem(key)!).revision).toBe(12);
  });

  it.each([
    ['not JSON', '{"revision": 1'],
    ['not a snapshot', '{"revision": "x", "flags": []}'],
    ['flags not a list', '{"revision": 1, "flags": {}}'],
  ])('clears a corrupt entry (%s) and starts without flags', async (_, corrupt) => {
    storage.setItem(key, corrupt);
    const client = createClient(options());
    expect(client.status).toBe('initializing');
    expect(storage.getItem(key)).toBeNull();
    await client.close();
  });

  it('neither reads nor writes with cache: false', async () => {
    storage.setItem(key, JSON.stringify(snapshot(12, 0)));
    const client = createClient(options({ cache: false }));
    expect(client.status).toBe('initializing');
    sources.last().accept();
    sources.last().send('snapshot', snapshot(13, 1));
    await client.close();
    expect(JSON.parse(storage.getItem(key)!).revision).toBe(12);
  });

  it('keys entries by server and client key', async () => {
    storage.setItem(key, JSON.stringify(snapshot(12, 0)));
    const other = createClient(options({ clientKey: 'ens_cli_other' }));
    expect(other.status).toBe('initializing');
    await other.close();
  });

  it('works without storage, or with storage that throws on every access (Safari private mode)', async () => {
    for (const broken of [undefined, throwingStorage()]) {
      restore();
      restore = installGlobal('localStorage', broken);
      const client = createClient(options());
      sources.last().accept();
      sources.last().send('snapshot', snapshot(3, 0));
      await vi.advanceTimersByTimeAsync(2_000);
      expect(client.boolVariation('a', false)).toBe(true);
      await expect(client.close()).resolves.toBeUndefined();
      expect(webStorage('localStorage', 'getItem', key)).toBeUndefined();
      expect(() => webStorage('localStorage', 'setItem', key, '{}')).not.toThrow();
    }
  });
});
