import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import type { Store } from '../store/store.js';

/** `GET /api/v1/projects/:project/environments/:env/propagation` (to be built). */
export function propagationRoutes(_deps: { store: Store }): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
