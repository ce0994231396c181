import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../test/prometheus-text.js';
import { keyHashingFor } from '../delivery/key-hashing.js';
import { StreamHub } from '../delivery/stream-hub.js';
import type { AppEnv } from '../http/app-env.js';
import { errorHandler } from '../http/error-handler.js';
import { createLogger } from '../logger.js';
import { createServerMetrics } from '../metrics/server-metrics.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { metricsRoutes } from './metrics.js';

/** A response body, asserted field by field. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const json = async (res: Response): Promise<any> => res.json();

// The hub is only asked for its counters: no feed is opened, so the database stays empty.
const store = openSqliteStore({ path: ':memory:' });
afterAll(() => store.close());

function appWith(options: Omit<Parameters<typeof metricsRoutes>[0], 'hub'> = {}) {
  const hub = new StreamHub({ store, keyHashing: keyHashingFor });
  const app = new Hono<AppEnv>();
  app.route('/', metricsRoutes({ hub, ...options }));
  app.onError(errorHandler(createLogger({ level: 'error', write: () => {} })));
  return app;
}

describe('GET /metrics', () => {
  it('answers the Prometheus text format, uncached', async () => {
    const res = await appWith().request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const text = parsePrometheusText(await res.text());
    expect(text.value('ensign_sdk_streams_open', { audience: 'client' })).toBe(0);
    expect(text.types.get('process_resident_memory_bytes')).toBe('gauge');
  });

  it("serves the app's metrics when given them", async () => {
    const hub = new StreamHub({ store, keyHashing: keyHashingFor });
    const metrics = createServerMetrics(hub);
    metrics.httpRequests.inc({ method: 'GET', route: '/metrics', status: '2xx' }, 41);
    const app = new Hono<AppEnv>().route('/', metricsRoutes({ hub, metrics }));
    const text = parsePrometheusText(await (await app.request('/metrics')).text());
    expect(text.value('ensign_http_requests_total', { route: '/metrics' })).toBe(41);
  });

  it('requires the bearer token when one is configured', async () => {
    const token = 'scrape-token-0123456789';
    const app = appWith({ metricsToken: token });
    for (const headers of [
      {},
      { Authorization: 'Bearer wrong' },
      { Authorization: token },
      { Authorization: `Bearer ${token}x` },
    ]) {
      const res = await app.request('/metrics', { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toContain('Bearer');
      expect((await json(res)).error.code).toBe('unauthorized');
    }
    expect((await app.request('/metrics', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
    expect((await app.request('/metrics', { headers: { Authorization: `bearer ${token}` } })).status).toBe(
      200,
    );
  });
});
