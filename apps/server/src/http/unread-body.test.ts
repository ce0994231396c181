import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { announcesBody, discardUnreadBody } from './unread-body.js';

let server: Server | undefined;
afterEach(() => server?.close());

/** A server whose handler hands each request to `handle`, then answers with what it returned. */
function listen(handle: (req: IncomingMessage) => Promise<string>): Promise<number> {
  server = createServer((req, res) => {
    handle(req).then((text) => res.end(text));
  });
  return new Promise((ready) =>
    server!.listen(0, '127.0.0.1', () => ready((server!.address() as { port: number }).port)),
  );
}

/** Sends raw HTTP and collects what comes back until the server closes or `ms` pass. */
function raw(port: number, text: string, ms = 1_500): Promise<string> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.on('data', (d) => {
      received += d;
    });
    socket.on('error', () => {});
    const end = () => done(received);
    socket.on('close', end);
    setTimeout(() => {
      socket.destroy();
      end();
    }, ms);
  });
}

describe('discardUnreadBody', () => {
  it('reads a body nobody read, so the next request on the connection is answered', async () => {
    const results: boolean[] = [];
    const port = await listen(async (req) => {
      // As @hono/node-server does when the app looks at the body: a web stream nobody reads, which
      // pauses the request once its queue is full (and Node's own discarding with it).
      Readable.toWeb(req);
      if (announcesBody(req)) results.push(await discardUnreadBody(req));
      return req.url ?? '';
    });
    const body = 'x'.repeat(300_000);
    const answer = await raw(
      port,
      `DELETE /first HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        'GET /second HTTP/1.1\r\nHost: a\r\n\r\n',
      500,
    );
    expect(answer).toMatch(/\/first/);
    expect(answer).toMatch(/\/second/);
    expect(results).toEqual([true]);
  });

  it('gives up when the body is over the budget, and says so', async () => {
    const results: boolean[] = [];
    const port = await listen(async (req) => {
      results.push(await discardUnreadBody(req, { maxBytes: 1_000, maxMs: 1_000 }));
      return 'done';
    });
    const body = 'x'.repeat(100_000);
    await raw(port, `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`, 300);
    expect(results).toEqual([false]);
  });

  it('gives up when the client stops sending, after the time budget', async () => {
    const results: boolean[] = [];
    const port = await listen(async (req) => {
      results.push(await discardUnreadBody(req, { maxBytes: 1_000_000, maxMs: 100 }));
      return 'done';
    });
    const answer = await raw(
      port,
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\nonly a part',
      500,
    );
    expect(answer).toMatch(/done/);
    expect(results).toEqual([false]);
  });

  it('knows which requests announce a body', () => {
    const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
    expect(announcesBody(req({}))).toBe(false);
    expect(announcesBody(req({ 'content-length': '0' }))).toBe(false);
    expect(announcesBody(req({ 'content-length': '12' }))).toBe(true);
    expect(announcesBody(req({ 'transfer-encoding': 'chunked' }))).toBe(true);
  });
});
