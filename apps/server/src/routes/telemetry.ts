import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import type { Store } from '../store/store.js';

/** `POST /sdk/v1/telemetry`: evaluation counts and the revision each SDK instance holds (to be built). */
export function telemetryRoutes(_deps: { store: Store }): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
