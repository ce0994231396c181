/**
 * Flags for the remote-evaluation and OFREP tests, created and configured through the admin API of a
 * running server (the way an operator would), in the `default` project.
 */
import { expect } from 'vitest';
import type { ApiClient } from './api-client.js';

export const base = '/api/v1/projects/default';
export const configPath = (flag: string, env = 'development') => `${base}/environments/${env}/flags/${flag}`;

export interface Definition {
  type: 'boolean' | 'string' | 'number' | 'json';
  variations: unknown[];
}

/** Replaces parts of a flag's config (read, then PUT with If-Match, as the dashboard does). */
export async function configure(
  call: ApiClient,
  key: string,
  patch: Record<string, unknown>,
  env = 'development',
): Promise<void> {
  const current = await call('GET', configPath(key, env));
  expect(current.status).toBe(200);
  const res = await call('PUT', configPath(key, env), {
    body: { ...current.body, ...patch },
    headers: { 'If-Match': current.headers.get('ETag')! },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** Creates a flag and, when `config` is given, configures it in `development`. */
export async function defineFlag(
  call: ApiClient,
  key: string,
  definition: Definition,
  config?: Record<string, unknown>,
): Promise<void> {
  const res = await call('POST', `${base}/flags`, { body: { key, name: key, ...definition } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  if (config !== undefined) await configure(call, key, config);
}

/** The current revision of an environment. */
export async function revision(call: ApiClient, env = 'development'): Promise<number> {
  return (await call('GET', `${base}/environments/${env}`)).body.revision;
}

/** A rollout splitting evenly between the first two variations. */
export const evenSplit = {
  rollout: {
    variations: [
      { variation: 0, weight: 50_000 },
      { variation: 1, weight: 50_000 },
    ],
  },
};
