import { describe, expect, it } from 'vitest';
import type { Principal } from '../../services/api-keys.js';
import { PrincipalCache, principalCacheOf } from './principal-cache.js';

const server: Principal = { keyId: 1, kind: 'server', name: 'srv', environmentId: 3 };
const client: Principal = { keyId: 2, kind: 'client', name: 'cli', environmentId: 3 };

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('PrincipalCache', () => {
  it('answers a cached SDK principal until its time to live has passed', () => {
    const time = clock();
    const cache = new PrincipalCache({ ttlMs: 1_000, now: time.now });
    cache.set('h1', server);
    expect(cache.get('h1')).toBe(server);
    time.advance(999);
    expect(cache.get('h1')).toBe(server);
    time.advance(1);
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never caches admin keys', () => {
    const cache = new PrincipalCache();
    cache.set('h', { keyId: 9, kind: 'admin', name: 'admin', environmentId: null });
    expect(cache.get('h')).toBeUndefined();
  });

  it('forgets every entry of a revoked key at once, and only those', () => {
    const cache = new PrincipalCache();
    cache.set('a', server);
    cache.set('b', client);
    cache.forgetKey(server.keyId);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(client);
  });

  it('stays within its size bound by dropping the oldest entry', () => {
    const cache = new PrincipalCache({ maxEntries: 2 });
    cache.set('a', server);
    cache.set('b', client);
    cache.set('c', server);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toBe(server);
  });

  it('is one cache per store', () => {
    const store = {};
    expect(principalCacheOf(store)).toBe(principalCacheOf(store));
    expect(principalCacheOf({})).not.toBe(principalCacheOf(store));
  });
});
