/**
 * The store the HTTP app writes through: every method of the real store, plus a notification to the
 * stream hub after each successful write, so a change reaches connected SDKs at once instead of at
 * the next poll. Services do not know SDKs exist.
 */
import { principalCacheOf } from '../middleware/auth/principal-cache.js';
import type { Store } from '../store/store.js';
import type { Peers } from './peers.js';
import type { StreamHub } from './stream-hub.js';

/** With `peers` (a cluster worker), commits and revocations are also told to the other workers, and theirs applied here. */
export function notifyingStore(store: Store, hub: StreamHub, peers?: Peers): Store {
  // Set below: the proxy is what the app authenticates with, so its principal cache is the one to clear.
  let self: Store | undefined;
  const committed = (environmentIds: number[]) => {
    hub.notify(environmentIds);
    peers?.send({ type: 'ensign:committed', environmentIds });
  };
  const forgetKey = (keyId: number) => {
    if (self !== undefined) principalCacheOf(self).forgetKey(keyId);
    hub.closeKey(keyId);
  };
  peers?.onMessage((message) => {
    if (message.type === 'ensign:committed') hub.notify(message.environmentIds);
    else forgetKey(message.keyId);
  });
  const notified: Partial<Store> = {
    async commit(input) {
      const result = await store.commit(input);
      committed([input.environmentId]);
      return result;
    },
    async createFlag(projectId, input, by, initialConfig) {
      const result = await store.createFlag(projectId, input, by, initialConfig);
      committed(result.configs.map((c) => c.environment.id));
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
        committed((await store.listEnvironments(projectId)).map((e) => e.id));
      return flag;
    },
    async revokeApiKey(id) {
      const key = await store.revokeApiKey(id);
      forgetKey(id);
      peers?.send({ type: 'ensign:revoked', keyId: id });
      return key;
    },
  };
  // Methods bound once, not on every call: store calls are on every request's path.
  const bound = new Map<string | symbol, unknown>();
  self = new Proxy(store, {
    get(target, property, receiver) {
      if (typeof property === 'string' && property in notified) return notified[property as keyof Store];
      const known = bound.get(property);
      if (known !== undefined) return known;
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value.bind(target);
      bound.set(property, method);
      return method;
    },
  });
  return self;
}
