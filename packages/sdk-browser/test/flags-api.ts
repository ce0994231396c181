/** Flag set-up through the admin API for the integration and end-to-end tests. */
import type { AdminClient } from '@ensign/test-server';
import { expect } from 'vitest';

export const project = '/api/v1/projects/default';
export const config = (env: string, key: string) => `${project}/environments/${env}/flags/${key}`;

/** A boolean flag visible to client keys in `env`: on, serving `false` to everyone but `targets`. */
export async function createClientFlag(admin: AdminClient, env: string, key: string, targets: string[] = []) {
  const created = await admin('POST', `${project}/flags`, {
    body: { key, name: key, type: 'boolean', variations: [true, false] },
  });
  expect(created.status).toBe(201);
  const current = await admin('GET', config(env, key));
  const res = await admin('PUT', config(env, key), {
    body: {
      ...current.body,
      clientSide: true,
      on: true,
      fallthrough: { variation: 1 },
      ...(targets.length > 0 && { targets: [{ variation: 0, values: targets }] }),
    },
    headers: { 'If-Match': current.headers.get('ETag')! },
  });
  expect(res.status).toBe(200);
}

/** Serves `true` (variation 0) or `false` to everyone not targeted. */
export async function setFallthrough(admin: AdminClient, env: string, key: string, value: boolean) {
  const res = await admin('PUT', `${config(env, key)}/fallthrough`, { body: { variation: value ? 0 : 1 } });
  expect(res.status).toBe(200);
}

export async function revisionOf(admin: AdminClient, env: string): Promise<number> {
  return (await admin('GET', `${project}/environments/${env}`)).body.revision;
}

/** Resolves once `condition()` holds; polls every few milliseconds (the event has no other hook). */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  ms = 5_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
