/**
 * Keeps an SDK's flags current: one SSE stream at a time, reconnecting with backoff and resuming
 * from the revision held, a heartbeat watchdog, and polling while the stream is unavailable.
 * Platforms plug in how to open a stream and how to poll (Node: the `eventsource` package with
 * header auth; browsers: native EventSource), and the timers, so tests drive it without waiting.
 *
 * Rules (docs/protocol.md): 401/403 are final (stop, report); anything else is retried. There
 * is never more than one stream: a stream is closed before another is opened, and every callback
 * of an old stream is ignored.
 */
import { type Backoff, type BackoffOptions, createBackoff } from './backoff.js';
import type { Applied } from './flag-state.js';
import { type ChangePayload, parseChange, parseSnapshot, type SnapshotPayload } from './payloads.js';

/** Why a stream ended; `status` when the server answered with something other than the stream. */
export interface StreamFailure {
  status?: number;
  message: string;
}

export interface StreamHandlers {
  /** The server answered 200 and the stream is open. */
  onOpen(): void;
  /** One event (`snapshot`, `change`, or another type to ignore). */
  onEvent(type: string, id: string, data: string): void;
  /** Bytes arrived (an event or a heartbeat comment): the connection is alive. */
  onActivity(): void;
  /** The stream failed or ended. Called at most once. */
  onError(failure: StreamFailure): void;
}

/** Opens `GET {url}` as an event stream, resuming after `lastEventId` when given. */
export type OpenStream = (
  request: { url: string; lastEventId: string | undefined },
  handlers: StreamHandlers,
) => { close(): void };

/** `GET {url}` with `If-None-Match: etag`; resolves with the status and, for 200, the parsed body. */
export type Poll = (request: {
  url: string;
  etag: string | undefined;
}) => Promise<{ status: number; etag?: string | undefined; body?: unknown }>;

export interface Timers {
  setTimeout(task: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export type ConnectionState = 'connecting' | 'streaming' | 'polling' | 'interrupted' | 'failed' | 'closed';

export interface ConnectionOptions {
  /** The server, e.g. `https://flags.example.com`. */
  baseUrl: string;
  openStream: OpenStream;
  poll: Poll;
  timers?: Timers;
  /** Stream (default) or only poll. */
  streaming?: boolean;
  /** Polling interval while polling. Default 30 s. */
  pollIntervalMs?: number;
  /** A stream silent this long is dead (3 heartbeats of 15 s). Default 45 s. */
  heartbeatTimeoutMs?: number;
  /** Stream attempts that fail in a row before polling fills in. Default 2. */
  failuresBeforePolling?: number;
  backoff?: BackoffOptions;
  /** Applies a snapshot; `fromPoll` snapshots apply only when newer. */
  applySnapshot(snapshot: SnapshotPayload, fromPoll: boolean): Applied;
  applyChange(change: ChangePayload): Applied;
  /** The revision held, to resume from. */
  revision(): number;
  onState(state: ConnectionState, failure?: StreamFailure): void;
  /** A document that did not parse, or a poll that failed: for the SDK's logger. */
  onProblem?(message: string): void;
}

export interface Connection {
  start(): void;
  close(): void;
  readonly state: ConnectionState;
}

const realTimers: Timers = {
  setTimeout: (task, ms) => {
    const handle = setTimeout(task, ms) as unknown as { unref?: () => void };
    handle.unref?.(); // an SDK's timers never keep a Node process alive
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
  now: () => Date.now(),
};

const isFinal = (status: number | undefined) => status === 401 || status === 403;

/**
 * @example
 * const connection = createConnection({ baseUrl, openStream, poll, applySnapshot, applyChange,
 *   revision: () => state.revision, onState: (s) => console.log(s) });
 * connection.start();
 */
export function createConnection(options: ConnectionOptions): Connection {
  const timers = options.timers ?? realTimers;
  const backoff: Backoff = createBackoff(options.backoff);
  const pollIntervalMs = options.pollIntervalMs ?? 30_000;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 45_000;
  const failuresBeforePolling = options.failuresBeforePolling ?? 2;
  const streamUrl = `${options.baseUrl.replace(/\/+$/, '')}/sdk/v1/stream`;
  const pollUrl = `${options.baseUrl.replace(/\/+$/, '')}/sdk/v1/flags`;

  let state: ConnectionState = 'connecting';
  let stream: { close(): void } | undefined;
  /** Bumped whenever a stream is dropped: callbacks of older streams compare and bail out. */
  let generation = 0;
  let reconnectTimer: unknown;
  let watchdog: unknown;
  let pollTimer: unknown;
  let polling = false;
  let pollInFlight = false;
  let etag: string | undefined;
  let failuresInARow = 0;

  const setState = (next: ConnectionState, failure?: StreamFailure) => {
    if (state === next && failure === undefined) return;
    state = next;
    options.onState(next, failure);
  };
  const clear = (handle: unknown) => {
    if (handle !== undefined) timers.clearTimeout(handle);
  };

  function dropStream(): void {
    generation++;
    clear(watchdog);
    watchdog = undefined;
    const old = stream;
    stream = undefined;
    old?.close();
  }

  function armWatchdog(mine: number): void {
    clear(watchdog);
    watchdog = timers.setTimeout(() => {
      if (mine !== generation) return;
      lost({ message: `no data or heartbeat for ${heartbeatTimeoutMs} ms` });
    }, heartbeatTimeoutMs);
  }

  function openStream(): void {
    if (state === 'closed' || state === 'failed') return;
    dropStream();
    const mine = generation;
    const revision = options.revision();
    stream = options.openStream(
      { url: streamUrl, lastEventId: revision > 0 ? String(revision) : undefined },
      {
        onOpen: () => {
          if (mine !== generation) return;
          failuresInARow = 0;
          backoff.connected(timers.now());
          stopPolling();
          setState('streaming');
          armWatchdog(mine);
        },
        onActivity: () => {
          if (mine === generation) armWatchdog(mine);
        },
        onEvent: (type, _id, data) => {
          if (mine !== generation) return;
          armWatchdog(mine);
          onEvent(type, data);
        },
        onError: (failure) => {
          if (mine !== generation) return;
          lost(failure);
        },
      },
    );
    armWatchdog(mine);
  }

  function onEvent(type: string, data: string): void {
    if (type !== 'snapshot' && type !== 'change') return; // unknown events: newer servers may add some
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      options.onProblem?.(`a ${type} event that is not JSON: resyncing`);
      resync();
      return;
    }
    const doc = type === 'snapshot' ? parseSnapshot(parsed) : parseChange(parsed);
    if (typeof doc === 'string') {
      options.onProblem?.(`${doc}: resyncing`);
      resync();
      return;
    }
    const applied =
      type === 'snapshot'
        ? options.applySnapshot(doc as SnapshotPayload, false)
        : options.applyChange(doc as ChangePayload);
    if (applied.kind === 'gap') resync();
  }

  /** Reconnects at once: the server replays from the revision held (or sends a snapshot). */
  function resync(): void {
    dropStream();
    openStream();
  }

  function lost(failure: StreamFailure): void {
    dropStream();
    backoff.disconnected(timers.now());
    if (isFinal(failure.status)) {
      stopPolling();
      setState('failed', failure);
      return;
    }
    failuresInARow++;
    setState('interrupted', failure);
    if (failuresInARow >= failuresBeforePolling) startPolling();
    clear(reconnectTimer);
    reconnectTimer = timers.setTimeout(() => {
      reconnectTimer = undefined;
      openStream();
    }, backoff.next());
  }

  function startPolling(): void {
    if (polling) return;
    polling = true;
    pollOnce();
  }

  function pollFailed(failure: StreamFailure): void {
    options.onProblem?.(failure.message);
    if (state === 'polling') setState('interrupted', failure);
  }

  function stopPolling(): void {
    polling = false;
    clear(pollTimer);
    pollTimer = undefined;
  }

  function pollOnce(): void {
    if (!polling || pollInFlight || state === 'closed' || state === 'failed') return;
    pollInFlight = true;
    options
      .poll({ url: pollUrl, etag })
      .then(
        (res) => {
          if (state === 'closed') return;
          if (isFinal(res.status)) {
            dropStream();
            clear(reconnectTimer);
            stopPolling();
            setState('failed', { status: res.status, message: `polling answered ${res.status}` });
            return;
          }
          if (res.status === 200) {
            const doc = parseSnapshot(res.body);
            if (typeof doc === 'string') return pollFailed({ message: `polling: ${doc}` });
            etag = res.etag;
            options.applySnapshot(doc, true);
          } else if (res.status !== 304)
            return pollFailed({ status: res.status, message: `polling answered ${res.status}` });
          // Fresh data: while the stream is down, polling is what keeps the SDK current.
          if (state !== 'streaming') setState('polling');
        },
        (error: unknown) => pollFailed({ message: `polling failed: ${String(error)}` }),
      )
      .finally(() => {
        pollInFlight = false;
        if (polling && state !== 'closed' && state !== 'failed')
          pollTimer = timers.setTimeout(pollOnce, pollIntervalMs);
      });
  }

  return {
    get state() {
      return state;
    },
    start() {
      if (options.streaming === false) {
        polling = false;
        startPolling();
        return;
      }
      openStream();
    },
    close() {
      dropStream();
      clear(reconnectTimer);
      stopPolling();
      setState('closed');
    },
  };
}
