/**
 * The store with its flag write path timed: `commit`, `createFlag`, `createEnvironment` and
 * `updateFlag` observe `ensign_flag_write_duration_seconds`. Everything else passes through. Wrap the
 * real store (inside `notifyingStore`), so the time is the database's, not the delivery's.
 */

import type { Store } from '../store/store.js';
import { StoreError } from '../store/store-error.js';
import type { FlagWriteOperation, ServerMetrics, WriteOutcome } from './server-metrics.js';

/**
 * @example
 * const store = notifyingStore(instrumentedStore(sqliteStore, metrics), hub);
 */
export function instrumentedStore(store: Store, metrics: Pick<ServerMetrics, 'flagWriteDuration'>): Store {
  const time = async <T>(operation: FlagWriteOperation, write: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    let outcome: WriteOutcome = 'error';
    try {
      const result = await write();
      outcome = 'ok';
      return result;
    } catch (error) {
      if (error instanceof StoreError) outcome = 'rejected';
      throw error;
    } finally {
      metrics.flagWriteDuration.observe({ operation, outcome }, (performance.now() - start) / 1000);
    }
  };
  const timed: Pick<Store, FlagWriteOperation> = {
    commit: (input) => time('commit', () => store.commit(input)),
    createFlag: (projectId, input, by, initialConfig) =>
      time('createFlag', () => store.createFlag(projectId, input, by, initialConfig)),
    createEnvironment: (projectId, input, by, initialConfig) =>
      time('createEnvironment', () => store.createEnvironment(projectId, input, by, initialConfig)),
    updateFlag: (projectId, key, update, by) =>
      time('updateFlag', () => store.updateFlag(projectId, key, update, by)),
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (typeof property === 'string' && Object.hasOwn(timed, property))
        return timed[property as FlagWriteOperation];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
