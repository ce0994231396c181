/** The messages between the throughput benchmark and its load generator (`rps-client.ts`). */

/** The two remote-evaluation endpoints measured. */
export const RPS_ENDPOINTS = ['ofrep', 'sdk-evaluate'] as const;
export type RpsEndpoint = (typeof RPS_ENDPOINTS)[number];

/** One run: POSTs to `path` with a context per request, for `seconds`. */
export interface RpsRunMessage {
  type: 'run';
  /** `http://127.0.0.1:<port>`. */
  url: string;
  endpoint: RpsEndpoint;
  path: string;
  sdkKey: string;
  seconds: number;
  connections: number;
}

export interface RpsRunResult {
  requests: number;
  /** Responses other than 200, and transport errors or timeouts: both must be 0. */
  non200: number;
  errors: number;
  elapsedMs: number;
  /** Per response, from autocannon's send to the end of the response, in ms. */
  latenciesMs: number[];
  /** CPU time the load generator used. */
  clientCpuMs: number;
}

export type FromRpsClient = { type: 'result'; result: RpsRunResult } | { type: 'error'; message: string };
