/**
 * A stream client process (forked by the delivery benchmark, several at once): holds its share of
 * the SDK streams (`GET /sdk/v1/stream`) over plain `node:http`, reads them with `SseScanner`, and
 * records when each stream receives each `change` event, on the machine-wide monotonic clock.
 *
 * Plain `node:http` and a scanner that keeps no data, rather than the `eventsource` package: at
 * thousands of streams per process, what a client costs per event is CPU the server does not get.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request } from 'node:http';
import { monotonicMs } from './monotonic-clock.js';
import { SseScanner } from './sse-scanner.js';
import type { FromStreamClient, InitMessage, OpenMessage, ToStreamClient } from './stream-protocol.js';

interface Stream {
  req: ClientRequest;
  res: IncomingMessage | undefined;
}

/** Arrival times of one revision's change event, indexed like `streams`. */
interface Arrivals {
  times: Float64Array;
  remaining: number;
}

let target: { host: string; port: number; sdkKey: string; localAddresses: string[] } | undefined;
const streams: Stream[] = [];
const arrivals = new Map<number, Arrivals>();
const watched = new Set<number>();
/** Streams are being closed on purpose: their ends are not errors. */
let closing = false;

function send(message: FromStreamClient): void {
  process.send?.(message);
}

function fail(message: string): void {
  send({ type: 'error', message });
}

function init(message: InitMessage): void {
  const url = new URL(message.url);
  // The benchmark talks to its own server on loopback, never to anything else.
  if (url.hostname !== '127.0.0.1') throw new Error(`refusing to connect to ${url.hostname}`);
  for (const address of message.localAddresses)
    if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address))
      throw new Error(`refusing a non-loopback source address ${address}`);
  target = {
    host: url.hostname,
    port: Number(url.port),
    sdkKey: message.sdkKey,
    localAddresses: message.localAddresses,
  };
}

function arrived(revision: number, index: number, at: number): void {
  let entry = arrivals.get(revision);
  if (entry === undefined) {
    entry = { times: new Float64Array(streams.length).fill(Number.NaN), remaining: streams.length };
    arrivals.set(revision, entry);
  }
  if (index >= entry.times.length || !Number.isNaN(entry.times[index]!)) return;
  entry.times[index] = at;
  entry.remaining--;
  if (entry.remaining === 0) report(revision);
}

function report(revision: number): void {
  const entry = arrivals.get(revision);
  if (entry === undefined || entry.remaining > 0 || !watched.has(revision)) return;
  arrivals.delete(revision);
  watched.delete(revision);
  send({ type: 'arrived', revision, arrivalsMs: Array.from(entry.times) });
}

/** Opens one stream; resolves with its snapshot's revision once the snapshot event arrived. */
function openStream(index: number): Promise<number> {
  const { host, port, sdkKey, localAddresses } = target!;
  return new Promise((resolve, reject) => {
    let snapshot = false;
    // Set per chunk: every event in a chunk arrived when the chunk did.
    let chunkAt = 0;
    const scanner = new SseScanner((event) => {
      const id = Number(event.id);
      if (event.event === 'snapshot' && !snapshot) {
        snapshot = true;
        resolve(id);
      } else if (event.event === 'change') arrived(id, index, chunkAt);
    });
    const req = request(
      {
        host,
        port,
        agent: false,
        localAddress: localAddresses[index % localAddresses.length],
        path: '/sdk/v1/stream',
        headers: { Authorization: `Bearer ${sdkKey}`, Accept: 'text/event-stream' },
      },
      (res) => {
        stream.res = res;
        if (res.statusCode !== 200) {
          reject(new Error(`stream ${index}: status ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          chunkAt = monotonicMs();
          scanner.push(text);
        });
        res.on('end', () => {
          if (!closing) fail(`stream ${index} ended by the server`);
        });
        res.on('error', (error) => {
          if (!closing) fail(`stream ${index}: ${error.message}`);
        });
      },
    );
    const stream: Stream = { req, res: undefined };
    streams[index] = stream;
    req.on('error', (error) => {
      if (!snapshot) reject(new Error(`stream ${index}: ${error.message}`));
      else if (!closing) fail(`stream ${index}: ${error.message}`);
    });
    req.end();
  });
}

async function open(message: OpenMessage): Promise<FromStreamClient> {
  if (target === undefined) throw new Error('open before init');
  closing = false;
  const first = streams.length;
  const end = first + message.count;
  let next = first;
  let revision = 0;
  await Promise.all(
    Array.from({ length: Math.min(message.concurrency, message.count) }, async () => {
      while (next < end) revision = Math.max(revision, await openStream(next++));
    }),
  );
  return { type: 'opened', open: streams.length, revision };
}

function close(): FromStreamClient {
  closing = true;
  for (const stream of streams.splice(0)) stream.req.destroy();
  arrivals.clear();
  watched.clear();
  return { type: 'closed' };
}

process.on('message', (message: ToStreamClient) => {
  const handle = async (): Promise<FromStreamClient | undefined> => {
    switch (message.type) {
      case 'init':
        init(message);
        return { type: 'ready' };
      case 'open':
        return open(message);
      case 'watch':
        watched.add(message.revision);
        report(message.revision);
        return undefined;
      case 'close':
        return close();
    }
  };
  handle().then(
    (reply) => reply !== undefined && send(reply),
    (error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)),
  );
});
// The parent going away ends the client too (the IPC channel closes).
process.on('disconnect', () => process.exit(0));
