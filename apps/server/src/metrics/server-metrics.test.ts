import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../test/prometheus-text.js';
import { keyHashingFor } from '../delivery/key-hashing.js';
import { StreamHub } from '../delivery/stream-hub.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Environment, Store } from '../store/store.js';
import { createServerMetrics, renderMetrics } from './server-metrics.js';

let store: Store;
let hub: StreamHub;
let env: Environment;

beforeEach(async () => {
  store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  const project = await store.createProject({
    key: 'p',
    name: 'P',
    environments: [{ key: 'dev', name: 'Dev' }],
  });
  env = (await store.getEnvironment(project.id, 'dev'))!;
  hub = new StreamHub({ store, keyHashing: keyHashingFor });
});

afterEach(async () => {
  hub.close();
  await store.close();
});

async function subscribe(audience: 'server' | 'client') {
  const feed = await hub.feed(env);
  return hub.subscribe(feed, { audience, keyId: 1, send() {}, close() {} }, undefined, new Uint8Array());
}

describe('createServerMetrics', () => {
  it('reads the stream hub at each scrape', async () => {
    const metrics = createServerMetrics(hub);
    let text = parsePrometheusText(await renderMetrics(metrics));
    expect(text.value('ensign_sdk_streams_open', { audience: 'server' })).toBe(0);
    expect(text.value('ensign_sdk_events_published_total')).toBe(0);

    const a = await subscribe('server');
    await subscribe('server');
    await subscribe('client');
    hub.counters.replays += 3;
    hub.counters.snapshotsOnReconnect += 1;
    hub.counters.slowConsumersDropped += 2;
    text = parsePrometheusText(await renderMetrics(metrics));
    expect(text.value('ensign_sdk_streams_open', { audience: 'server' })).toBe(2);
    expect(text.value('ensign_sdk_streams_open', { audience: 'client' })).toBe(1);
    expect(text.value('ensign_sdk_stream_reconnects_total', { served_by: 'replay' })).toBe(3);
    expect(text.value('ensign_sdk_stream_reconnects_total', { served_by: 'snapshot' })).toBe(1);
    expect(text.value('ensign_sdk_slow_consumers_dropped_total')).toBe(2);
    expect(text.types.get('ensign_sdk_stream_reconnects_total')).toBe('counter');

    hub.unsubscribe(a);
    text = parsePrometheusText(await renderMetrics(metrics));
    expect(text.value('ensign_sdk_streams_open', { audience: 'server' })).toBe(1);
  });

  it('counts published events', async () => {
    const metrics = createServerMetrics(hub);
    await hub.feed(env);
    await store.createFlag(
      env.projectId,
      { key: 'f', name: 'f', type: 'boolean', variations: [true, false] },
      { actor: 't' },
      {
        type: 'boolean',
        on: false,
        variations: [true, false],
        offVariation: 1,
        fallthrough: { variation: 1 },
      },
    );
    await (await hub.feed(env)).refresh();
    expect(parsePrometheusText(await renderMetrics(metrics)).value('ensign_sdk_events_published_total')).toBe(
      1,
    );
  });

  it('gives each app its own registry, and every app the process metrics', async () => {
    const one = createServerMetrics(hub);
    const two = createServerMetrics(hub);
    one.httpRequests.inc({ method: 'GET', route: '/x', status: '2xx' });
    const first = parsePrometheusText(await renderMetrics(one));
    const second = parsePrometheusText(await renderMetrics(two));
    expect(first.value('ensign_http_requests_total', { route: '/x' })).toBe(1);
    expect(second.value('ensign_http_requests_total', { route: '/x' })).toBeUndefined();
    for (const text of [first, second]) {
      expect(text.types.get('process_cpu_seconds_total')).toBe('counter');
      expect(text.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
      expect(text.types.get('ensign_flag_write_duration_seconds')).toBe('histogram');
      // Each write operation has its series from the start (dashboards need no first write).
      expect(
        text.value('ensign_flag_write_duration_seconds_count', { operation: 'commit', outcome: 'ok' }),
      ).toBe(0);
    }
  });
});
