import { Hono } from 'hono';
import type { StreamHub } from '../delivery/stream-hub.js';
import type { AppEnv } from '../http/app-env.js';
import type { Store } from '../store/store.js';

/** `POST /sdk/v1/evaluate`: every flag's value and reason for one context (to be built). */
export function remoteEvaluationRoutes(_deps: { store: Store; hub: StreamHub }): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
