import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import type { Store } from '../store/store.js';

/**
 * Probes. `/livez`: the process runs and its event loop answers (200 until the process exits).
 * `/readyz`: 200 only while serving with the database reachable and every migration applied; 503
 * while starting or draining, so a load balancer sends no new traffic. No auth: probes carry none.
 */
export function healthRoutes(deps: { store: Store; lifecycle: Lifecycle }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/livez', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const { database, migrations } = await deps.store.health();
    const phase = deps.lifecycle.phase;
    const ready = database && migrations && phase === 'serving';
    const body = {
      status: ready ? 'ready' : 'unavailable',
      checks: { database: database ? 'ok' : 'failing', migrations: migrations ? 'ok' : 'pending', phase },
    };
    c.header('Cache-Control', 'no-store');
    return c.json(body, ready ? 200 : 503);
  });
  return app;
}
