import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../http/app-env.js';
import { errorHandler } from '../../http/error-handler.js';
import { bodyLimit } from './index.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} } as never;
const app = new Hono<AppEnv>();
app.use(bodyLimit(10));
app.post('/', async (c) => c.text(String((await c.req.text()).length)));
app.onError(errorHandler(silent));

describe('bodyLimit', () => {
  it('takes bodies up to the limit, by Content-Length or counted', async () => {
    const res = await app.request('/', { method: 'POST', body: '0123456789' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('10');
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('abc'));
        c.close();
      },
    });
    const chunked = await app.request('/', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(await chunked.text()).toBe('3');
  });

  it('refuses a larger body with 413, by its Content-Length or as it is read', async () => {
    const declared = await app.request('/', {
      method: 'POST',
      body: '01234567890',
      headers: { 'Content-Length': '11' },
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('0123456789abc'));
        c.close();
      },
    });
    const chunked = await app.request('/', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('refuses a Content-Length that is not a number', async () => {
    const res = await app.request('/', { method: 'POST', body: 'x', headers: { 'Content-Length': 'lots' } });
    expect(res.status).toBe(413);
  });
});
