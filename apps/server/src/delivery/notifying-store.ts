/**
 * The store the HTTP app writes through: every method of the real store, plus a notification to the
 * stream hub after each successful write, so a change reaches connected SDKs at once instead of at
 * the next poll. Services do not know SDKs exist.
 */
import type { Store } from '../store/store.js';
import type { StreamHub } from './stream-hub.js';

export function notifyingStore(store: Store, hub: StreamHub): Store {
  const notified: Partial<Store> = {
    async commit(input) {
      const result = await store.commit(input);
      hub.notify([input.environmentId]);
      return result;
    },
    async createFlag(projectId, input, by, initialConfig) {
      const result = await store.createFlag(projectId, input, by, initialConfig);
      hub.notify(result.configs.map((c) => c.environment.id));
      return result;
    },
    async createEnvironment(projectId, input, by, initialConfig) {
      const env = await store.createEnvironment(projectId, input, by, initialConfig);
      // Open its feed now, so that its first changes can be replayed to SDKs that connect later.
      hub.feed(env).catch(() => {});
      return env;
    },
    async updateFlag(projectId, key, update, by) {
      const flag = await store.updateFlag(projectId, key, update, by);
      // Archiving or restoring changes what SDKs receive in every environment of the project.
      if (update.archived !== undefined)
        hub.notify((await store.listEnvironments(projectId)).map((e) => e.id));
      return flag;
    },
    async revokeApiKey(id) {
      const key = await store.revokeApiKey(id);
      hub.closeKey(id);
      return key;
    },
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (typeof property === 'string' && property in notified) return notified[property as keyof Store];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
