/**
 * A scriptable stand-in for the Ensign server's SDK endpoints on 127.0.0.1, for fault injection:
 * each stream request is handed to the test's script, which writes what it wants (half an event,
 * garbage, a 500, nothing at all) and may cut the connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface StreamRequest {
  n: number;
  lastEventId: string | undefined;
  authorization: string | undefined;
  req: IncomingMessage;
  res: ServerResponse;
  /** The response ended or its connection closed. */
  readonly closed: boolean;
  /** 200 with the SSE headers. */
  open(): void;
  send(frame: string): void;
  snapshot(revision: number, flags: unknown[]): void;
  change(revision: number, flags: unknown[], deletedFlags?: string[]): void;
  /** Destroys the socket (a dropped connection). */
  cut(): void;
}

export interface FakeServer {
  url: string;
  streamRequests: StreamRequest[];
  pollRequests: IncomingMessage[];
  telemetry: unknown[];
  close(): Promise<void>;
}

export async function startFakeServer(handlers: {
  stream: (r: StreamRequest) => void;
  poll?: (req: IncomingMessage, res: ServerResponse) => void;
}): Promise<FakeServer> {
  const streamRequests: StreamRequest[] = [];
  const pollRequests: IncomingMessage[] = [];
  const telemetry: unknown[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/sdk/v1/stream') {
      let closed = false;
      res.on('close', () => {
        closed = true;
      });
      const r: StreamRequest = {
        get closed() {
          return closed;
        },
        n: streamRequests.length + 1,
        lastEventId: req.headers['last-event-id'] as string | undefined,
        authorization: req.headers.authorization,
        req,
        res,
        open() {
          res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
          res.flushHeaders();
        },
        send(frame) {
          res.write(frame);
        },
        snapshot(revision, flags) {
          res.write(
            `id: ${revision}\nevent: snapshot\ndata: ${JSON.stringify({ revision, flags, segments: [] })}\n\n`,
          );
        },
        change(revision, flags, deletedFlags = []) {
          const data = { revision, flags, segments: [], deleted: { flags: deletedFlags, segments: [] } };
          res.write(`id: ${revision}\nevent: change\ndata: ${JSON.stringify(data)}\n\n`);
        },
        cut() {
          req.socket.destroy();
        },
      };
      streamRequests.push(r);
      handlers.stream(r);
      return;
    }
    if (url.pathname === '/sdk/v1/flags') {
      pollRequests.push(req);
      if (handlers.poll) handlers.poll(req, res);
      else res.writeHead(503).end();
      return;
    }
    if (url.pathname === '/sdk/v1/telemetry') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        telemetry.push(JSON.parse(body));
        res.writeHead(202).end();
      });
      return;
    }
    res.writeHead(404).end();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    streamRequests,
    pollRequests,
    telemetry,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((closed) => server.close(() => closed()));
    },
  };
}

/** A boolean flag serving `value` to everyone. */
export const boolFlag = (key: string, version: number, value: boolean) => ({
  key,
  version,
  type: 'boolean',
  variations: [true, false],
  on: true,
  offVariation: 1,
  fallthrough: { variation: value ? 0 : 1 },
});
