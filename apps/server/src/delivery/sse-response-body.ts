/**
 * The body of one SDK stream response: the hub's frames for one subscriber. A reader that falls
 * more than `bufferBytes` behind is dropped (it reconnects and replays), so one slow client never
 * holds memory or delays the others.
 *
 * Under @hono/node-server the frames are written straight to Node's `ServerResponse` (the adapter's
 * `outgoing`): fan-out writes each event to every stream at once, and going through the web
 * `ReadableStream` costs a queue, a promise and a read loop per frame per stream on top of the
 * socket write. The returned stream then carries no data; it only tells the adapter when to end the
 * response (close) or abort it (error), and the adapter still writes the head, with every header
 * middleware set. Without `outgoing` (`app.request()` in tests) frames go through the stream.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EnvironmentFeed } from './environment-feed.js';
import type { Audience } from './environment-view.js';
import type { HubStream, StreamHub } from './stream-hub.js';

export interface SseBodyOptions {
  /** Written first (the `retry:` hint). */
  preamble: Uint8Array;
  bufferBytes: number;
  onSlow: () => void;
  /** Node's response for this request, when served by @hono/node-server. */
  outgoing?: ServerResponse | undefined;
}

/** The `outgoing` of @hono/node-server's bindings (`c.env`), when the request came through it. */
export function nodeResponseOf(env: unknown): ServerResponse | undefined {
  const outgoing = (env as { outgoing?: unknown } | undefined)?.outgoing;
  if (typeof outgoing !== 'object' || outgoing === null) return undefined;
  const o = outgoing as Partial<ServerResponse>;
  return typeof o.write === 'function' && typeof o.headersSent === 'boolean'
    ? (outgoing as ServerResponse)
    : undefined;
}

/** Where frames go, and how many bytes wait there for the reader. */
interface FrameSink {
  write(frame: Uint8Array): void;
  queuedBytes(): number;
}

/** Frames in HTTP/1.1 chunked framing, made once per frame: every stream is sent the same frame. */
const chunkedFrames = new WeakMap<Uint8Array, Buffer>();

function chunked(frame: Uint8Array): Buffer {
  let framed = chunkedFrames.get(frame);
  if (framed === undefined) {
    const head = Buffer.from(`${frame.byteLength.toString(16)}\r\n`, 'latin1');
    framed = Buffer.concat([head, frame, Buffer.from('\r\n', 'latin1')]);
    chunkedFrames.set(frame, framed);
  }
  return framed;
}

/**
 * Writes to Node's response once the adapter has written the head (right after the handler
 * returns); frames sent before that (the snapshot) wait, in order, in `pending`, and go through the
 * `ServerResponse`, which sends the head first. Later frames of a chunked response are written to
 * the socket already framed as chunks: one buffer and one system call per stream, without the
 * response's per-write framing, corking and deferred flush. Its `end()` still writes the last chunk.
 */
function nodeSink(outgoing: ServerResponse, isOpen: () => boolean): FrameSink {
  let pending: Uint8Array[] | undefined = [];
  let pendingBytes = 0;
  let socket: Socket | undefined;
  const flushOnceHeadWritten = () => {
    if (pending === undefined || !isOpen() || outgoing.destroyed || outgoing.writableEnded) return;
    if (!outgoing.headersSent) {
      setImmediate(flushOnceHeadWritten);
      return;
    }
    for (const frame of pending) outgoing.write(frame);
    pending = undefined;
    pendingBytes = 0;
    // Raw writes only for a chunked response that owns its socket now: when the response holds
    // bytes of its own (it is queued behind another on the connection), it keeps writing them.
    const chunkedEncoding = (outgoing as { chunkedEncoding?: unknown }).chunkedEncoding;
    const own = outgoing.socket;
    if (chunkedEncoding === true && own !== null && outgoing.writableLength === own.writableLength)
      socket = own as Socket;
  };
  setImmediate(flushOnceHeadWritten);
  return {
    write(frame) {
      if (socket !== undefined) socket.write(chunked(frame));
      else if (pending === undefined) outgoing.write(frame);
      else {
        pending.push(frame);
        pendingBytes += frame.byteLength;
      }
    },
    // The response's count includes its socket's.
    queuedBytes: () => pendingBytes + outgoing.writableLength,
  };
}

/** Subscribes a stream to the hub and returns its response body (see the module comment). */
export function sseResponseBody(
  hub: StreamHub,
  feed: EnvironmentFeed,
  who: { audience: Audience; keyId: number; heartbeatEvents?: boolean },
  resumeFrom: number | undefined,
  options: SseBodyOptions,
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
        const sink: FrameSink =
          options.outgoing !== undefined
            ? nodeSink(options.outgoing, () => open)
            : {
                write: (frame) => controller.enqueue(frame),
                queuedBytes: () => options.bufferBytes - (controller.desiredSize ?? 0),
              };
        handle = hub.subscribe(
          feed,
          {
            ...who,
            send(frame) {
              // Hot path (every stream, every event): one write, one comparison.
              if (!open) return;
              sink.write(frame);
              const queued = sink.queuedBytes();
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
