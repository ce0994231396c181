import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { etag, ifMatchVersion, requiredIfMatch } from './if-match.js';

function app() {
  const hono = new Hono();
  hono.get('/optional', (c) => c.json({ version: ifMatchVersion(c) ?? null }));
  hono.get('/required', (c) => c.json({ version: requiredIfMatch(c) }));
  hono.onError((error, c) => c.json({ code: (error as ApiError).code }, (error as ApiError).status));
  return hono;
}

const version = async (path: string, header?: string) => {
  const res = await app().request(path, header === undefined ? {} : { headers: { 'If-Match': header } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('If-Match', () => {
  it('reads strong and weak version tags', async () => {
    expect((await version('/optional', '"7"')).body.version).toBe(7);
    expect((await version('/optional', 'W/"7"')).body.version).toBe(7);
    expect((await version('/optional', ' "0" ')).body.version).toBe(0);
  });

  it('is undefined when absent and -1 (matches nothing) when it names no version', async () => {
    expect((await version('/optional')).body.version).toBeNull();
    for (const header of ['*', '7', '"a"', '"1", "2"', '"1234567890123456"'])
      expect((await version('/optional', header)).body.version).toBe(-1);
  });

  it('answers 428 when a required one is missing', async () => {
    expect(await version('/required')).toEqual({ status: 428, body: { code: 'precondition_required' } });
    expect((await version('/required', '"3"')).body.version).toBe(3);
  });

  it('formats ETags', () => {
    expect(etag(12)).toBe('"12"');
    expect(new ApiError(412, 'x', 'y').status).toBe(412);
  });
});
