/**
 * How the Node SDK talks to the server: the stream through the `eventsource` package (which, unlike
 * browsers' EventSource, lets us send the key in a header), polling and telemetry through `fetch`.
 *
 * The `eventsource` package reconnects on its own; the SDK does not let it. On any error the source
 * is closed and the shared connection logic decides when to reconnect, so that backoff, the heartbeat
 * watchdog and "one stream at a time" have one owner.
 */
import type { OpenStream, Poll, SendReport } from '@ensign/sdk-shared';
import type { EventSource } from 'eventsource';

// Loaded with the first stream, not with the SDK: an offline client, or one that only polls,
// never pays for it (≈ 0.1 MiB of heap).
let eventSourceModule: Promise<typeof import('eventsource')> | undefined;
const loadEventSource = () => {
  eventSourceModule ??= import('eventsource');
  return eventSourceModule;
};

export interface Transport {
  openStream: OpenStream;
  poll: Poll;
  sendReport: SendReport;
}

type Fetch = typeof globalThis.fetch;

export function nodeTransport(options: {
  baseUrl: string;
  sdkKey: string;
  userAgent: string;
  fetch?: Fetch;
  /** Aborts a poll or report that takes longer. Default 10 s. */
  requestTimeoutMs?: number;
}): Transport {
  const fetchImpl: Fetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const auth = { Authorization: `Bearer ${options.sdkKey}`, 'User-Agent': options.userAgent };
  const base = options.baseUrl.replace(/\/+$/, '');

  const openStream: OpenStream = ({ url, lastEventId }, handlers) => {
    let status: number | undefined;
    let done = false;
    let source: EventSource | undefined;
    const fail = (message: string) => {
      if (done) return;
      done = true;
      source?.close();
      handlers.onError({ ...(status !== undefined && status !== 200 && { status }), message });
    };
    const open = (EventSourceClass: typeof EventSource) => {
      if (done) return; // closed while the module loaded
      source = new EventSourceClass(url, {
        fetch: async (input, init) => {
          const response = await fetchImpl(input, {
            ...init,
            headers: {
              ...init.headers,
              ...auth,
              ...(lastEventId !== undefined && { 'Last-Event-ID': lastEventId }),
            },
          });
          status = response.status;
          if (response.body === null || !response.ok) return response;
          // Every chunk, heartbeat comments included (EventSource does not surface comments), tells
          // the watchdog the connection is alive.
          const tap = new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              handlers.onActivity();
              controller.enqueue(chunk);
            },
          });
          return new Response(response.body.pipeThrough(tap), {
            status: response.status,
            statusText: response.statusText,
            headers: response.headers,
          });
        },
      });
      source.addEventListener('open', () => {
        if (!done) handlers.onOpen();
      });
      for (const type of ['snapshot', 'change']) {
        source.addEventListener(type, (event) => {
          if (!done) handlers.onEvent(type, event.lastEventId, event.data);
        });
      }
      source.addEventListener('error', (event) => {
        const code = (event as { code?: number }).code;
        if (code !== undefined && status === undefined) status = code;
        fail((event as { message?: string }).message ?? 'stream error');
      });
    };
    loadEventSource().then(
      (module) => open(module.EventSource),
      (error: unknown) => fail(`cannot load the eventsource package: ${String(error)}`),
    );
    return {
      close() {
        done = true;
        source?.close();
      },
    };
  };

  const poll: Poll = async ({ url, etag }) => {
    const response = await fetchImpl(url, {
      headers: { ...auth, Accept: 'application/json', ...(etag !== undefined && { 'If-None-Match': etag }) },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return { status: response.status };
    }
    return { status: 200, etag: response.headers.get('etag') ?? undefined, body: await response.json() };
  };

  const sendReport: SendReport = async (report) => {
    const response = await fetchImpl(`${base}/sdk/v1/telemetry`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(report),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.status;
  };

  return { openStream, poll, sendReport };
}
