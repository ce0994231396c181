import { Hono } from 'hono';
import type { StreamHub } from '../delivery/stream-hub.js';
import type { AppEnv } from '../http/app-env.js';

/** `GET /metrics` in Prometheus text format (to be built). */
export function metricsRoutes(_deps: { hub: StreamHub }): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
