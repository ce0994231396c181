import { hashContextKey } from '@ensign/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { environmentKeySalt, hashUserKey, keyHashingFor } from './key-hashing.js';

describe('hashUserKey', () => {
  it('agrees with the core, which SDKs use to hash their user’s key', () => {
    // The core is held to the conformance vectors (cases/key-hashing.json); one of them here too.
    expect(hashUserKey('prod-3qZ8', 'user-1')).toBe('nmxWp6durQxlFFPxe_hDcw');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (salt, key) => {
        expect(hashUserKey(salt, key)).toBe(hashContextKey(salt, key));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('environmentKeySalt', () => {
  const env = { id: 3, projectId: 1, key: 'production', createdAt: new Date('2026-11-01T00:00:00Z') };

  it('is stable for an environment and differs between environments', () => {
    expect(environmentKeySalt(env)).toBe(environmentKeySalt({ ...env }));
    expect(environmentKeySalt(env)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(environmentKeySalt({ ...env, id: 4 })).not.toBe(environmentKeySalt(env));
    expect(environmentKeySalt({ ...env, createdAt: new Date('2026-11-02T00:00:00Z') })).not.toBe(
      environmentKeySalt(env),
    );
  });

  it('hashes with the environment’s salt', () => {
    const { salt, hashKey } = keyHashingFor({ ...env, name: 'Production', revision: 0 } as never);
    expect(hashKey('alice')).toBe(hashContextKey(salt, 'alice'));
  });
});
