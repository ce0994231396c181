/**
 * The parent's side of the stream clients: several `stream-client.ts` processes, each holding a
 * share of the streams, driven together (open N streams in all, watch a revision arrive everywhere).
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requestChild } from './child-request.js';
import { shareOut } from './delivery-plan.js';
import { launchNode } from './node-launch.js';
import type { FromStreamClient, ToStreamClient } from './stream-protocol.js';

const CLIENT = fileURLToPath(new URL('./stream-client.js', import.meta.url));

/**
 * Source addresses for the streams: loopback aliases (all of 127.0.0.0/8 routes to `lo` on Linux),
 * so that no one source address needs more than a few thousand of the ~28,000 ephemeral ports.
 */
export function loopbackSources(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.0.${i + 2}`);
}

/** Sends a message to a client and resolves with its next reply of `type` (rejects on its error). */
function ask<T extends FromStreamClient['type']>(
  client: ChildProcess,
  message: ToStreamClient,
  type: T,
  timeoutMs: number,
): Promise<Extract<FromStreamClient, { type: T }>> {
  return requestChild(
    client,
    message,
    (reply: FromStreamClient) =>
      reply.type === type ? (reply as Extract<FromStreamClient, { type: T }>) : undefined,
    'a stream client',
    timeoutMs,
  );
}

export class StreamPool {
  readonly #clients: ChildProcess[];
  #open = 0;
  /** Errors a client reported between requests (a stream ended by the server, say). */
  readonly errors: string[] = [];

  private constructor(clients: ChildProcess[]) {
    this.#clients = clients;
    for (const client of clients)
      client.on('message', (m: FromStreamClient) => m.type === 'error' && this.errors.push(m.message));
  }

  /** Starts `workers` client processes, each with a raised open-files limit, ready to connect. */
  static async start(workers: number, url: string, sdkKey: string): Promise<StreamPool> {
    const clients = Array.from({ length: workers }, () =>
      launchNode({ args: [CLIENT], maxOpenFiles: 65_536, output: 'inherit', ipc: true }),
    );
    const pool = new StreamPool(clients);
    await Promise.all(
      clients.map((c) =>
        ask(c, { type: 'init', url, sdkKey, localAddresses: loopbackSources(16) }, 'ready', 10_000),
      ),
    );
    return pool;
  }

  get open(): number {
    return this.#open;
  }

  /** Opens `count` more streams, shared over the clients; resolves with the newest snapshot revision. */
  async add(count: number, timeoutMs = 300_000): Promise<number> {
    const shares = shareOut(count, this.#clients.length);
    const replies = await Promise.all(
      this.#clients.map((c, i) =>
        ask(c, { type: 'open', count: shares[i]!, concurrency: 64 }, 'opened', timeoutMs),
      ),
    );
    this.#open = replies.reduce((n, r) => n + r.open, 0);
    return Math.max(...replies.map((r) => r.revision));
  }

  /**
   * Resolves, once every open stream has received the change event of `revision`, with the arrival
   * time (monotonic ms) of each. Call before making the change: arrivals are recorded either way.
   */
  async arrivals(revision: number, timeoutMs = 60_000): Promise<number[]> {
    const replies = await Promise.all(
      this.#clients.map((c) => ask(c, { type: 'watch', revision }, 'arrived', timeoutMs)),
    );
    return replies.flatMap((r) => r.arrivalsMs);
  }

  /** Closes every stream (the clients stay). */
  async closeStreams(): Promise<void> {
    await Promise.all(this.#clients.map((c) => ask(c, { type: 'close' }, 'closed', 30_000)));
    this.#open = 0;
  }

  /** Ends the client processes. */
  stop(): void {
    for (const c of this.#clients) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}
