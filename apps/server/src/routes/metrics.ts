import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { StreamHub } from '../delivery/stream-hub.js';
import { ApiError } from '../http/api-error.js';
import type { AppEnv } from '../http/app-env.js';
import { publicRoute } from '../http/openapi.js';
import {
  createServerMetrics,
  metricsContentType,
  renderMetrics,
  type ServerMetrics,
} from '../metrics/server-metrics.js';

export interface MetricsRouteOptions {
  hub: StreamHub;
  /** The app's metrics (shared with the http-metrics middleware and the instrumented store). */
  metrics?: ServerMetrics;
  /** When set, scrapes must send `Authorization: Bearer <token>` (config: --metrics-token). */
  metricsToken?: string | undefined;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * `GET /metrics`: Prometheus text format. Open by default, as scrapers inside a cluster expect; with
 * a metrics token, a bearer token is required (401 otherwise). The token is compared as a hash in
 * constant time. Without `metrics`, the route makes its own (stream and process metrics only).
 */
export function metricsRoutes(deps: MetricsRouteOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const metrics = deps.metrics ?? createServerMetrics(deps.hub);
  const expected = deps.metricsToken === undefined ? undefined : digest(deps.metricsToken);

  app.get(
    '/metrics',
    publicRoute({
      summary: 'Metrics in Prometheus text format',
      description:
        'SDK streams, events, reconnects, slow consumers, flag write latency, HTTP requests by route and ' +
        'status class, and process metrics (docs/operations.md § Metrics). Needs `Authorization: Bearer ' +
        '<token>` when the server runs with --metrics-token.',
      tags: ['Operations'],
    }),
    async (c) => {
      if (expected !== undefined) {
        const presented = /^Bearer +(\S+) *$/i.exec(c.req.header('Authorization') ?? '')?.[1];
        if (presented === undefined || !timingSafeEqual(digest(presented), expected))
          throw new ApiError(
            401,
            'unauthorized',
            'GET /metrics needs the metrics token (Authorization: Bearer <token>)',
            {
              headers: { 'WWW-Authenticate': 'Bearer realm="ensign-metrics"' },
            },
          );
      }
      const text = await renderMetrics(metrics);
      return c.body(text, 200, { 'Content-Type': metricsContentType, 'Cache-Control': 'no-store' });
    },
  );

  return app;
}
