import { Hono } from 'hono';
import type { EnvironmentFeed } from '../delivery/environment-feed.js';
import type { Audience } from '../delivery/environment-view.js';
import { sseRetry } from '../delivery/sse-frame.js';
import type { HubStream, StreamHub } from '../delivery/stream-hub.js';
import { ApiError } from '../http/api-error.js';
import type { AppEnv } from '../http/app-env.js';
import { route } from '../http/openapi.js';
import type { Principal } from '../services/api-keys.js';
import type { Store } from '../store/store.js';

export interface SdkRouteOptions {
  store: Store;
  hub: StreamHub;
  /** `retry:` hint sent at the start of each stream. Default 1,000 ms. */
  retryMs?: number;
  /** Bytes a stream may have queued for a slow reader before it is dropped. Default 1 MiB. */
  streamBufferBytes?: number;
}

const encoder = new TextEncoder();
const tags = ['SDK'];

/** The environment an SDK key belongs to, and what it may see. */
export async function sdkFeed(deps: { store: Store; hub: StreamHub }, principal: Principal) {
  const environment =
    principal.environmentId === null
      ? undefined
      : await deps.store.getEnvironmentById(principal.environmentId);
  if (environment === undefined) throw new ApiError(403, 'forbidden', 'This key has no environment');
  const audience: Audience = principal.kind === 'client' ? 'client' : 'server';
  return { feed: await deps.hub.feed(environment), audience };
}

/** `Last-Event-ID` (set by EventSource on reconnect) or `?lastEventId=` (a first connect resuming from a cache). */
function lastEventId(header: string | undefined, query: string | undefined): number | undefined {
  const raw = header ?? query;
  if (raw === undefined || raw.trim() === '') return undefined;
  // Anything that is not a revision cannot be replayed from: -1 makes the feed answer with a snapshot.
  return /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : -1;
}

/** `/sdk/v1`: what SDKs read (server and client keys of one environment; auth is applied by app.ts). */
export function sdkRoutes(options: SdkRouteOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const bufferBytes = options.streamBufferBytes ?? 1024 * 1024;

  app.get(
    '/stream',
    route({
      summary: 'Stream flag changes (Server-Sent Events)',
      description:
        'A `text/event-stream`. First a `snapshot` event (id = environment revision), then one `change` ' +
        'event per revision. Resume with `Last-Event-ID`: the missed changes are replayed, or a snapshot ' +
        'is sent when they cannot be. Client keys may pass `?key=`. See docs/wire-protocol.md.',
      tags,
      okDescription: 'An event stream (text/event-stream) that stays open',
      alsoKeyInQuery: true,
      errors: { 503: 'The server is shutting down: reconnect (to another replica)' },
    }),
    async (c) => {
      const principal = c.get('principal');
      const { feed, audience } = await sdkFeed(options, principal);
      if (options.hub.closed) throw new ApiError(503, 'shutting_down', 'The server is shutting down');
      const resumeFrom = lastEventId(c.req.header('Last-Event-ID'), c.req.query('lastEventId'));
      const body = openStream(options.hub, feed, { audience, keyId: principal.keyId }, resumeFrom, {
        preamble: encoder.encode(sseRetry(options.retryMs ?? 1_000)),
        bufferBytes,
        onSlow: () => options.hub.counters.slowConsumersDropped++,
      });
      return new Response(body, {
        status: 200,
        headers: {
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-cache',
          'X-Accel-Buffering': 'no',
        },
      });
    },
  );

  app.get(
    '/flags',
    route({
      summary: 'Poll the current flags and segments',
      description:
        "The same document as the stream's snapshot. `ETag` = the revision; `If-None-Match` answers 304.",
      tags,
      etag: true,
    }),
    async (c) => {
      const { feed, audience } = await sdkFeed(options, c.get('principal'));
      await feed.refresh();
      const tag = `"${feed.revision}"`;
      c.header('ETag', tag);
      c.header('Cache-Control', 'no-cache');
      const match = c.req.header('If-None-Match');
      if (match?.split(',').some((t) => t.trim().replace(/^W\//, '') === tag)) {
        return c.body(null, 304);
      }
      return c.json(feed.snapshotDocument(audience));
    },
  );

  return app;
}

/**
 * The body of one SSE response: a byte stream the hub enqueues frames into. A reader that falls
 * more than `bufferBytes` behind is dropped (it reconnects and replays), so one slow client never
 * holds memory or delays others.
 */
function openStream(
  hub: StreamHub,
  feed: EnvironmentFeed,
  who: { audience: Audience; keyId: number },
  resumeFrom: number | undefined,
  options: { preamble: Uint8Array; bufferBytes: number; onSlow: () => void },
): ReadableStream<Uint8Array> {
  let handle: HubStream | undefined;
  let open = true;
  // The snapshot or replay may alone exceed the buffer: the reader may be behind by it plus `bufferBytes`.
  let started = false;
  let allowed = options.bufferBytes;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const finish = (fail: boolean) => {
          if (!open) return;
          open = false;
          if (handle !== undefined) hub.unsubscribe(handle);
          try {
            if (fail) controller.error(new Error('slow consumer'));
            else controller.close();
          } catch {
            // Already closed by the reader going away.
          }
        };
        handle = hub.subscribe(
          feed,
          {
            ...who,
            send(frame) {
              if (!open) return;
              controller.enqueue(frame);
              const queued = options.bufferBytes - (controller.desiredSize ?? 0);
              if (!started) allowed = Math.max(allowed, queued + options.bufferBytes);
              else if (queued > allowed) {
                options.onSlow();
                finish(true);
              }
            },
            close: () => finish(false),
          },
          resumeFrom,
          options.preamble,
        );
        started = true;
      },
      cancel() {
        open = false;
        if (handle !== undefined) hub.unsubscribe(handle);
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: options.bufferBytes }),
  );
}
