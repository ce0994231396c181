/**
 * The request bodies of the throughput benchmark: one per benchmark user (docs/benchmarks.md,
 * "Scenarios": a key, a country, a plan), in each endpoint's context shape.
 */
import type { BenchUser } from '../users.js';
import type { RpsEndpoint } from './rps-protocol.js';

/**
 * `{"context":{…}}` for `user`: OFREP's `targetingKey`, or Ensign's `key` for `/sdk/v1/evaluate`.
 *
 * @example
 * requestBody('ofrep', { key: 'u1', country: 'DE', plan: 'pro' })
 * // '{"context":{"targetingKey":"u1","country":"DE","plan":"pro"}}'
 */
export function requestBody(endpoint: RpsEndpoint, user: BenchUser): string {
  const id = endpoint === 'ofrep' ? { targetingKey: user.key } : { key: user.key };
  return JSON.stringify({ context: { ...id, country: user.country, plan: user.plan } });
}
