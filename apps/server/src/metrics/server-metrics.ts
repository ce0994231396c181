/**
 * The server's Prometheus metrics (GET /metrics; the list is in docs/operations.md § Metrics). Each
 * app has its own registry, so tests that build several apps in one process never collide; the
 * process metrics (CPU, memory, event loop, GC) describe the process, not an app, and live in one
 * registry shared by every app, created at the first scrape.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { StreamHub } from '../delivery/stream-hub.js';

/** The store writes timed by `instrumentedStore` (the operations of the flag write path). */
export const flagWriteOperations = ['commit', 'createFlag', 'createEnvironment', 'updateFlag'] as const;
export type FlagWriteOperation = (typeof flagWriteOperations)[number];

/** ok; rejected = an expected refusal (version mismatch, conflict, not found); error = anything else. */
export type WriteOutcome = 'ok' | 'rejected' | 'error';

export interface ServerMetrics {
  readonly registry: Registry;
  /** Counted by the http-metrics middleware. */
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  /** Observed by `instrumentedStore`. */
  readonly flagWriteDuration: Histogram<'operation' | 'outcome'>;
}

/** Sub-millisecond to seconds: the target for a committed write is a p99 of 5 ms. */
const writeBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The metrics of one app. Stream metrics are read from `hub` at each scrape, so delivery code needs
 * no changes to be measured.
 *
 * @example
 * const metrics = createServerMetrics(hub);
 * const text = await renderMetrics(metrics); // Prometheus text format
 */
export function createServerMetrics(hub: StreamHub): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];

  new Gauge({
    name: 'ensign_sdk_streams_open',
    help: 'SDK streams (GET /sdk/v1/stream) open now, by audience (server or client keys)',
    labelNames: ['audience'],
    registers,
    collect() {
      this.set({ audience: 'server' }, hub.streamsBy('server'));
      this.set({ audience: 'client' }, hub.streamsBy('client'));
    },
  });
  new Counter({
    name: 'ensign_sdk_events_published_total',
    help: 'Environment revisions published to SDK streams (one event per revision, encoded once per audience)',
    registers,
    async collect() {
      const { eventsPublished } = await hub.stats();
      this.reset();
      this.inc(eventsPublished);
    },
  });
  new Counter({
    name: 'ensign_sdk_stream_reconnects_total',
    help: 'SDK reconnects (streams opened with Last-Event-ID), by what they were served: the missed events (replay) or a snapshot',
    labelNames: ['served_by'],
    registers,
    collect() {
      this.reset();
      this.inc({ served_by: 'replay' }, hub.counters.replays);
      this.inc({ served_by: 'snapshot' }, hub.counters.snapshotsOnReconnect);
    },
  });
  new Counter({
    name: 'ensign_sdk_slow_consumers_dropped_total',
    help: 'SDK streams closed because the reader fell too far behind (it reconnects and replays)',
    registers,
    collect() {
      this.reset();
      this.inc(hub.counters.slowConsumersDropped);
    },
  });

  const httpRequests = new Counter({
    name: 'ensign_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern (e.g. /api/v1/projects/:project) and status class',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const flagWriteDuration = new Histogram({
    name: 'ensign_flag_write_duration_seconds',
    help: 'Time to commit a flag write to the database, by store operation and outcome (ok, rejected, error)',
    labelNames: ['operation', 'outcome'],
    buckets: writeBuckets,
    registers,
  });
  for (const operation of flagWriteOperations) flagWriteDuration.zero({ operation, outcome: 'ok' });

  return { registry, httpRequests, flagWriteDuration };
}

let processRegistry: Registry | undefined;

/** CPU, memory, file descriptors, event loop lag, GC: prom-client's defaults, once per process. */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The content type of `renderMetrics`' text (Prometheus text format 0.0.4). */
export const metricsContentType = Registry.PROMETHEUS_CONTENT_TYPE;

/** The app's metrics and the process metrics, in Prometheus text format. */
export function renderMetrics(metrics: ServerMetrics): Promise<string> {
  return Registry.merge([metrics.registry, processMetrics()]).metrics();
}
