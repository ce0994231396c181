/**
 * HTTP requests over `node:http` with an explicit Agent (keep-alive, pooled sockets), for the
 * robustness tests: a request never throws, it resolves with what happened on the wire, a complete
 * response or the socket error, so a test can classify every outcome (ECONNREFUSED, ECONNRESET, …).
 */
import { type Agent, type ClientRequest, type IncomingHttpHeaders, request } from 'node:http';

export type Outcome =
  | {
      kind: 'response';
      status: number;
      headers: IncomingHttpHeaders;
      body: string;
      /** The request went out on a keep-alive socket that had carried an earlier request. */
      reusedSocket: boolean;
      localPort: number | undefined;
    }
  | {
      kind: 'error';
      /** `ECONNREFUSED`, `ECONNRESET`, `EPIPE`, … */
      code: string;
      message: string;
      reusedSocket: boolean;
      /** The client's port, once connected (undefined: the connection was never established). */
      localPort: number | undefined;
      /** The status line and headers had arrived before the error (the body was cut). */
      gotHeaders: boolean;
    };

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** A JSON body, sent at once with its Content-Length. */
  json?: unknown;
  /**
   * A body the caller writes itself, e.g. slowly (set Content-Length in `headers`); the request is
   * ended when the promise resolves.
   */
  writeBody?: (req: ClientRequest) => Promise<void>;
}

/** Sends `r` to `baseUrl` through `agent` and resolves with the outcome; never rejects. */
export function send(baseUrl: string, agent: Agent, r: RawRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...r.headers };
    const payload = r.json === undefined ? undefined : Buffer.from(JSON.stringify(r.json));
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const req = request(new URL(r.path, baseUrl), { method: r.method, headers, agent });
    let settled = false;
    let gotHeaders = false;
    let localPort: number | undefined;
    req.on('socket', (socket) => {
      localPort = socket.localPort;
      if (localPort === undefined) socket.once('connect', () => (localPort = socket.localPort));
    });
    const fail = (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      resolve({
        kind: 'error',
        code: error.code ?? error.message,
        message: error.message,
        reusedSocket: req.reusedSocket,
        localPort,
        gotHeaders,
      });
    };
    req.on('error', fail);
    req.on('response', (res) => {
      gotHeaders = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        resolve({
          kind: 'response',
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          reusedSocket: req.reusedSocket,
          localPort,
        });
      });
    });
    if (r.writeBody === undefined) {
      req.end(payload);
      return;
    }
    r.writeBody(req).then(
      () => req.end(),
      (error: unknown) => req.destroy(error instanceof Error ? error : new Error(String(error))),
    );
  });
}

/** The response body parsed as JSON (fails the test with the body when it is not JSON). */
export function json(outcome: Extract<Outcome, { kind: 'response' }>): unknown {
  try {
    return JSON.parse(outcome.body);
  } catch {
    throw new Error(`not JSON (status ${outcome.status}): ${outcome.body.slice(0, 200)}`);
  }
}
