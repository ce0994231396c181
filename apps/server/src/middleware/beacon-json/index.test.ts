import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppEnv } from '../../http/app-env.js';
import { errorHandler } from '../../http/error-handler.js';
import { jsonBody } from '../../http/validate.js';
import { jsonContent } from '../json-content/index.js';
import { beaconJson } from './index.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} } as never;
const app = new Hono<AppEnv>();
app.use('/beacon', beaconJson());
app.use(jsonContent());
const schema = z.object({ n: z.int() });
app.post('/beacon', jsonBody(schema), (c) => c.json(c.req.valid('json')));
app.post('/other', jsonBody(schema), (c) => c.json(c.req.valid('json')));
app.onError(errorHandler(silent));

const post = (path: string, body: string, type: string) =>
  app.request(path, { method: 'POST', body, headers: { 'Content-Type': type } });

describe('beaconJson', () => {
  it('reads a text/plain body (what sendBeacon sends for a string) as JSON', async () => {
    const res = await post('/beacon', '{"n":3}', 'text/plain;charset=UTF-8');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ n: 3 });
    expect((await post('/beacon', '{"n":4}', 'application/json')).status).toBe(200);
  });

  it('validates it as JSON: 400 when it does not parse, 422 when it does not fit', async () => {
    expect((await post('/beacon', 'not json', 'text/plain')).status).toBe(400);
    const res = await post('/beacon', '{"n":"x"}', 'text/plain');
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_body', issues: [{ path: 'n' }] } });
  });

  it('leaves other types, and routes without it, to the JSON content check (415)', async () => {
    expect((await post('/beacon', '{"n":3}', 'text/html')).status).toBe(415);
    expect((await post('/beacon', '{"n":3}', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await post('/other', '{"n":3}', 'text/plain')).status).toBe(415);
  });
});
