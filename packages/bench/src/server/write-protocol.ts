/**
 * The messages between the write benchmark (parent) and its load generator (`write-client.ts`, a
 * separate process, so that client and server never share an event loop).
 */

/** Sent once: where to write and which flags the client owns (all OFF, config version 1). */
export interface InitMessage {
  type: 'init';
  /** `http://127.0.0.1:<port>`. */
  url: string;
  adminKey: string;
  project: string;
  environment: string;
  flagKeys: string[];
}

/**
 * Before a phase: open `lanes` keep-alive connections, each with one untimed write. Node accepts
 * new connections late while its event loop is saturated (a bare node:http server does the same),
 * so connections opened during the timed loop would measure accept fairness, not writes.
 */
export interface OpenMessage {
  type: 'open';
  lanes: number;
}

/** One phase on the open lanes: writes until `maxWrites` were sent or `maxMs` passed. */
export interface RunMessage {
  type: 'run';
  maxWrites: number;
  maxMs: number;
}

export type ToClient = InitMessage | OpenMessage | RunMessage;

export interface PhaseResult {
  /** Writes that completed (all 2xx: anything else fails the phase). */
  writes: number;
  /** From the phase's first request to its last response. */
  elapsedMs: number;
  /** Per write, from sending the request to the end of the response body. */
  latenciesMs: number[];
  /** CPU time the client process used during the phase. */
  clientCpuMs: number;
}

export type FromClient =
  | { type: 'ready' }
  | { type: 'result'; result: PhaseResult }
  | { type: 'error'; message: string };
