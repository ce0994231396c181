import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord, Store } from '../store/store.js';
import { authenticate, generateApiKey, hashSecret } from './api-keys.js';

/** A store holding just the given keys (authenticate only looks keys up by prefix). */
function storeWith(...records: ApiKeyRecord[]): Store {
  return {
    findApiKeyByPrefix: async (prefix: string) => records.find((r) => r.prefix === prefix),
  } as Partial<Store> as Store;
}

function record(
  kind: ApiKeyRecord['kind'],
  key = generateApiKey(kind),
  revokedAt: Date | null = null,
): ApiKeyRecord {
  return {
    id: 7,
    kind,
    name: `${kind} key`,
    environmentId: kind === 'admin' ? null : 3,
    prefix: key.prefix,
    secretHash: key.secretHash,
    createdAt: new Date(0),
    revokedAt,
  };
}

describe('generateApiKey', () => {
  it('makes a tagged 256-bit secret, a 16-character prefix of it, and its SHA-256', () => {
    const key = generateApiKey('client');
    expect(key.secret).toMatch(/^ens_cli_[A-Za-z0-9_-]{43}$/);
    expect(key.secret.startsWith(key.prefix)).toBe(true);
    expect(key.prefix).toHaveLength(16);
    expect(key.secretHash).toBe(hashSecret(key.secret));
    expect(key.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(generateApiKey('client').secret).not.toBe(key.secret);
  });
});

describe('authenticate', () => {
  it('returns the principal of a valid key', async () => {
    const key = generateApiKey('server');
    expect(await authenticate(storeWith(record('server', key)), key.secret)).toEqual({
      keyId: 7,
      kind: 'server',
      name: 'server key',
      environmentId: 3,
    });
  });

  it('rejects malformed, unknown, wrong and revoked secrets', async () => {
    const key = generateApiKey('admin');
    const store = storeWith(record('admin', key));
    const flipped = key.secret.slice(0, -1) + (key.secret.endsWith('A') ? 'B' : 'A');
    for (const secret of ['', 'ens_adm_short', `${key.secret}x`, flipped, generateApiKey('admin').secret]) {
      expect(await authenticate(store, secret)).toBeUndefined();
    }
    expect(await authenticate(storeWith(record('admin', key, new Date())), key.secret)).toBeUndefined();
  });

  it('rejects a secret whose kind tag does not match its stored kind', async () => {
    const key = generateApiKey('admin');
    // A row claiming the admin secret is a client key (cannot happen through the API; defence in depth).
    expect(await authenticate(storeWith(record('client', key)), key.secret)).toBeUndefined();
  });
});
