/**
 * Integration: browsers call the SDK and OFREP endpoints from other origins (a product's pages);
 * the admin API is not for them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printedKeys } from './api-client.js';
import { kill, type ServerProcess, startServer } from './server-process.js';

let dir: string;
let server: ServerProcess;
let keys: Map<string, string>;
const origin = 'https://shop.example.com';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-cors-'));
  server = await startServer(join(dir, 'ensign.db'));
  keys = printedKeys(server.stderr());
});

afterAll(async () => {
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

const preflight = (path: string, method: string, headers: string) =>
  fetch(`${server.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers': headers,
    },
  });

describe('CORS', () => {
  it.each([
    ['/sdk/v1/evaluate', 'POST', 'content-type,authorization'],
    ['/sdk/v1/flags', 'GET', 'if-none-match,authorization'],
    ['/sdk/v1/telemetry', 'POST', 'content-type,authorization'],
    ['/ofrep/v1/evaluate/flags', 'POST', 'content-type,authorization,if-none-match'],
  ])('answers the preflight of %s without a key', async (path, method, headers) => {
    const res = await preflight(path, method, headers);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain(method);
    for (const h of headers.split(','))
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(h);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets a page read the stream, the polled flags and their ETag', async () => {
    const key = keys.get('development client SDK');
    const polled = await fetch(`${server.url}/sdk/v1/flags?key=${key}`, { headers: { Origin: origin } });
    expect(polled.status).toBe(200);
    expect(polled.headers.get('access-control-allow-origin')).toBe('*');
    expect(polled.headers.get('access-control-expose-headers')).toContain('ETag');
    const controller = new AbortController();
    const stream = await fetch(`${server.url}/sdk/v1/stream?key=${key}`, {
      headers: { Origin: origin },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('access-control-allow-origin')).toBe('*');
    controller.abort();
  });

  it('says no key is valid to a page without one, still readable cross-origin', async () => {
    const res = await fetch(`${server.url}/sdk/v1/flags`, { headers: { Origin: origin } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('treats an OPTIONS that is not a preflight as an ordinary request (the key is checked)', async () => {
    const res = await fetch(`${server.url}/sdk/v1/flags`, { method: 'OPTIONS' });
    expect(res.status).toBe(401);
  });

  it('gives the admin API no CORS headers', async () => {
    const res = await preflight('/api/v1/projects', 'GET', 'authorization');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${server.url}/api/v1/projects`, {
      headers: { Origin: origin, Authorization: `Bearer ${keys.get('admin')}` },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });
});
