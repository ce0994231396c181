import { Hono } from 'hono';
import type { EnvironmentFeed } from '../delivery/environment-feed.js';
import type { Audience } from '../delivery/environment-view.js';
import { sseRetry } from '../delivery/sse-frame.js';
import { nodeResponseOf, sseResponseBody } from '../delivery/sse-response-body.js';
import type { StreamHub } from '../delivery/stream-hub.js';
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
const streamHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
};

/**
 * How stale remote evaluation and a new stream's snapshot may be about commits made by *other*
 * processes sharing the database (this process's own commits are always seen by the next request):
 * the change log is read at most this often on those paths, instead of on every request.
 */
export const REMOTE_EVALUATION_STALENESS_MS = 100;

/** The environment an SDK key belongs to, and what it may see. */
export async function sdkFeed(
  deps: { store: Store; hub: StreamHub },
  principal: Principal,
): Promise<{ feed: EnvironmentFeed; audience: Audience }> {
  const audience: Audience = principal.kind === 'client' ? 'client' : 'server';
  // Hot path: an environment's feed, once open, is found by id without reading the store
  // (environments are never deleted, and a key never changes environment).
  const open = principal.environmentId === null ? undefined : deps.hub.openFeed(principal.environmentId);
  if (open !== undefined) return { feed: await open, audience };
  const environment =
    principal.environmentId === null
      ? undefined
      : await deps.store.getEnvironmentById(principal.environmentId);
  if (environment === undefined) throw new ApiError(403, 'forbidden', 'This key has no environment');
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
        'is sent when they cannot be. Client keys may pass `?key=`. `?heartbeat=event` sends heartbeats as ' +
        '`heartbeat` events (data: the interval in ms) instead of comments, which browsers cannot see. ' +
        'See docs/protocol.md.',
      tags,
      okDescription: 'An event stream (text/event-stream) that stays open',
      alsoKeyInQuery: true,
      errors: { 503: 'The server is shutting down: reconnect (to another replica)' },
    }),
    async (c) => {
      const principal = c.get('principal');
      const { feed, audience } = await sdkFeed(options, principal);
      if (options.hub.closed) throw new ApiError(503, 'shutting_down', 'The server is shutting down');
      // A commit through this process publishes on the next turn of the event loop: catch up first,
      // so a stream opened right after a write starts from it (and, within the bound, after others').
      await feed.refreshWithin(REMOTE_EVALUATION_STALENESS_MS);
      const resumeFrom = lastEventId(c.req.header('Last-Event-ID'), c.req.query('lastEventId'));
      // Browsers' EventSource hides comments: a page that wants a liveness signal asks for events.
      const heartbeatEvents = c.req.query('heartbeat') === 'event';
      const who = { audience, keyId: principal.keyId, heartbeatEvents };
      const body = sseResponseBody(options.hub, feed, who, resumeFrom, {
        preamble: encoder.encode(sseRetry(options.retryMs ?? 1_000)),
        bufferBytes,
        onSlow: () => options.hub.counters.slowConsumersDropped++,
        outgoing: nodeResponseOf(c.env),
      });
      return new Response(body, { status: 200, headers: streamHeaders });
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
