/**
 * Integration: a client-side flag's prerequisites must be client-side (client SDKs receive only
 * client-side flags), enforced on the writes that could break it, never on a toggle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, printedKeys } from './api-client.js';
import { kill, type ServerProcess, startServer } from './server-process.js';

let dir: string;
let server: ServerProcess;
let call: ApiClient;
const base = '/api/v1/projects/default';
const config = (flag: string, env = 'development') => `${base}/environments/${env}/flags/${flag}`;

async function put(flag: string, patch: Record<string, unknown>, env = 'development') {
  const current = await call('GET', config(flag, env));
  return call('PUT', config(flag, env), {
    body: { ...current.body, ...patch },
    headers: { 'If-Match': current.headers.get('ETag')! },
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-client-prereq-'));
  server = await startServer(join(dir, 'ensign.db'));
  call = apiClient(server, printedKeys(server.stderr()).get('admin'));
  for (const key of ['gate', 'feature'])
    expect(
      (
        await call('POST', `${base}/flags`, {
          body: { key, name: key, type: 'boolean', variations: [true, false] },
        })
      ).status,
    ).toBe(201);
});

afterAll(async () => {
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('client-side prerequisites', () => {
  it('refuses a client-side flag whose prerequisite is server-only, naming it', async () => {
    const res = await put('feature', { clientSide: true, prerequisites: [{ key: 'gate', variation: 0 }] });
    expect(res.status).toBe(422);
    expect(res.body.error.issues).toEqual([
      {
        path: 'prerequisites.0.key',
        message: expect.stringMatching(/"gate" is not client-side in "development"/),
      },
    ]);
  });

  it('accepts it once the prerequisite is client-side, and then keeps the prerequisite client-side', async () => {
    expect((await put('gate', { clientSide: true })).status).toBe(200);
    expect(
      (await put('feature', { clientSide: true, prerequisites: [{ key: 'gate', variation: 0 }] })).status,
    ).toBe(200);
    const res = await put('gate', { clientSide: false });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'prerequisite_of_client_side',
      issues: [{ path: 'clientSide', message: '"feature" has it as a prerequisite' }],
    });
    // Other edits of the prerequisite and of the dependent go through.
    expect((await call('POST', `${config('gate')}/toggle`, { body: { on: true } })).status).toBe(200);
    expect((await call('POST', `${config('feature')}/toggle`, { body: { on: true } })).status).toBe(200);
  });

  it('checks promotion into an environment where the prerequisite is server-only', async () => {
    const res = await call('POST', `${base}/flags/feature/promote`, {
      body: { from: 'development', to: 'staging' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.issues[0].path).toBe('prerequisites.0.key');
  });
});
