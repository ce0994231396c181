/**
 * API key secrets: generation, hashing and verification. A secret is `ens_<kind>_` followed by 43
 * base64url characters (256 random bits), e.g. `ens_srv_3q2-…`. Its first 16 characters are the
 * non-secret `prefix` that finds the stored row (and identifies the key in lists and logs); only the
 * SHA-256 of the whole secret is stored. A fast hash is enough: the secret is random, not a password,
 * so there is nothing to brute-force from the hash.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyKind, ApiKeyRecord, Store } from '../store/store.js';

const tags: Record<ApiKeyKind, string> = { admin: 'adm', server: 'srv', client: 'cli' };
const format = /^ens_(adm|srv|cli)_[A-Za-z0-9_-]{43}$/;
const prefixLength = 16;

/** The authenticated caller of a request. */
export interface Principal {
  keyId: number;
  kind: ApiKeyKind;
  /** The key's name: recorded as the actor of the changes it makes. */
  name: string;
  /** The environment of an SDK key; null for admin keys. */
  environmentId: number | null;
}

export interface GeneratedKey {
  /** Shown once to the user, never stored. */
  secret: string;
  prefix: string;
  secretHash: string;
}

/** @example const { secret, prefix, secretHash } = generateApiKey('server'); */
export function generateApiKey(kind: ApiKeyKind): GeneratedKey {
  const secret = `ens_${tags[kind]}_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, prefixLength), secretHash: hashSecret(secret) };
}

/** SHA-256 of the secret, hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

// Compared against when no row matches, so a wrong prefix costs the same work as a wrong secret.
const decoy = Buffer.from(hashSecret('ens_adm_decoy'), 'hex');

/**
 * Finds the key a secret belongs to. Resolves undefined for a malformed, unknown or revoked secret,
 * or one whose kind tag does not match its row; the hashes are compared in constant time.
 */
export async function authenticate(store: Store, secret: string): Promise<Principal | undefined> {
  if (!format.test(secret)) return undefined;
  const row = await store.findApiKeyByPrefix(secret.slice(0, prefixLength));
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const expected = row !== undefined ? Buffer.from(row.secretHash, 'hex') : decoy;
  const match = expected.length === presented.length && timingSafeEqual(expected, presented);
  if (!match || row === undefined || row.revokedAt !== null) return undefined;
  if (!secret.startsWith(`ens_${tags[row.kind]}_`)) return undefined;
  return { keyId: row.id, kind: row.kind, name: row.name, environmentId: row.environmentId };
}

/**
 * Creates a key and resolves its record with the secret, which is shown to the caller once and
 * stored only as a hash.
 */
export async function createApiKey(
  store: Store,
  input: { kind: ApiKeyKind; name: string; environmentId: number | null },
): Promise<{ record: ApiKeyRecord; secret: string }> {
  const { secret, prefix, secretHash } = generateApiKey(input.kind);
  const record = await store.createApiKey({ ...input, prefix, secretHash });
  return { record, secret };
}
