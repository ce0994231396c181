import { describe, expect, it } from 'vitest';
import type { StreamHub } from '../delivery/stream-hub.js';
import type { CommitInput, Store } from '../store/store.js';
import { StoreError } from '../store/store-error.js';
import { instrumentedStore } from './instrumented-store.js';
import { createServerMetrics } from './server-metrics.js';

describe('instrumentedStore', () => {
  it('times the flag write path by operation and outcome, and passes everything else through', async () => {
    let next: 'ok' | 'mismatch' | 'broken' = 'ok';
    const inner = {
      marker: 'inner',
      async commit() {
        if (next === 'mismatch') throw new StoreError('version_mismatch', 'stale');
        if (next === 'broken') throw new Error('disk I/O error');
        return { revision: 1, changes: [] };
      },
      async listProjects() {
        return [{ id: 1, key: (this as { marker: string }).marker, name: 'P', createdAt: new Date(0) }];
      },
    } as unknown as Store;
    // Only the histogram is read here, never the hub.
    const metrics = createServerMetrics({} as StreamHub);
    const store = instrumentedStore(inner, metrics);
    const input = {} as CommitInput;

    await store.commit(input);
    await store.commit(input);
    next = 'mismatch';
    await expect(store.commit(input)).rejects.toBeInstanceOf(StoreError);
    next = 'broken';
    await expect(store.commit(input)).rejects.toThrow('disk I/O error');
    // Not a write: untimed, and still called on the real store (private fields need the right `this`).
    expect((await store.listProjects())[0]!.key).toBe('inner');

    const histogram = (await metrics.flagWriteDuration.get()).values;
    const count = (outcome: string) =>
      histogram.find(
        (v) =>
          v.metricName === 'ensign_flag_write_duration_seconds_count' &&
          v.labels.operation === 'commit' &&
          v.labels.outcome === outcome,
      )?.value;
    expect([count('ok'), count('rejected'), count('error')]).toEqual([2, 1, 1]);
  });
});
