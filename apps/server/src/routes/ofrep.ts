import { Hono } from 'hono';
import type { StreamHub } from '../delivery/stream-hub.js';
import type { AppEnv } from '../http/app-env.js';
import type { Store } from '../store/store.js';

/** OpenFeature Remote Evaluation Protocol under `/ofrep/v1` (to be built). */
export function ofrepRoutes(_deps: { store: Store; hub: StreamHub }): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
