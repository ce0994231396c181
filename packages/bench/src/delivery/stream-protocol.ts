/**
 * The messages between the delivery benchmark (parent) and its stream clients (`stream-client.ts`,
 * several separate processes, each holding a share of the SSE connections).
 */

/** Sent once: where to connect, and how. */
export interface InitMessage {
  type: 'init';
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** A server SDK key, sent as `Authorization: Bearer`. */
  sdkKey: string;
  /** Source addresses to spread connections over (all loopback), round-robin. */
  localAddresses: string[];
}

/** Opens `count` more streams, each counted open once its snapshot event arrived. */
export interface OpenMessage {
  type: 'open';
  count: number;
  /** Connections being set up at once. */
  concurrency: number;
}

/**
 * Before a change is made: report the monotonic time at which each open stream receives the event
 * with id `revision` (once all have it).
 */
export interface WatchMessage {
  type: 'watch';
  revision: number;
}

/** Closes every stream (the client stays, ready for `open`). */
export interface CloseMessage {
  type: 'close';
}

export type ToStreamClient = InitMessage | OpenMessage | WatchMessage | CloseMessage;

export type FromStreamClient =
  | { type: 'ready' }
  /** After `open`: streams now open, and the revision of the newest snapshot among them. */
  | { type: 'opened'; open: number; revision: number }
  /** After `watch`: per stream, when the event arrived (monotonic ms, see `monotonic-clock.ts`). */
  | { type: 'arrived'; revision: number; arrivalsMs: number[] }
  | { type: 'closed' }
  | { type: 'error'; message: string };
