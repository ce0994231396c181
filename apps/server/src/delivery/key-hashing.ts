/**
 * Hashed user keys for client payloads (docs/evaluation.md, "Hashed key lists"): SHA-256 over the
 * UTF-8 bytes of `salt + ":" + key`, first 16 bytes, base64url. The core evaluates such lists with
 * its own synchronous SHA-256 (browsers have no synchronous one); here node:crypto does the same
 * construction, faster, and a test holds the two to the same vectors.
 *
 * The salt is public (client SDKs need it to hash their user's key), so it is derived rather than
 * stored: unique per environment (so hashes cannot be correlated across environments or
 * installations), stable for the environment's life (so cached client payloads stay valid).
 */
import { createHash } from 'node:crypto';
import type { Environment } from '../store/store.js';

export function hashUserKey(salt: string, key: string): string {
  return createHash('sha256').update(`${salt}:${key}`, 'utf8').digest().subarray(0, 16).toString('base64url');
}

/** The environment's salt: 16 base64url characters derived from its identity and creation time. */
export function environmentKeySalt(
  environment: Pick<Environment, 'id' | 'projectId' | 'key' | 'createdAt'>,
): string {
  return createHash('sha256')
    .update(
      `ensign-key-salt/${environment.projectId}/${environment.id}/${environment.key}/${environment.createdAt.getTime()}`,
    )
    .digest()
    .subarray(0, 12)
    .toString('base64url');
}

/** Salt and hash function for one environment, for the stream hub. */
export function keyHashingFor(environment: Environment): { salt: string; hashKey: (key: string) => string } {
  const salt = environmentKeySalt(environment);
  return { salt, hashKey: (key) => hashUserKey(salt, key) };
}
