/**
 * A short-lived cache of the principals SDK keys authenticated as, so that SDK endpoints called
 * thousands of times a second (remote evaluation, OFREP) do not read the key's row and hash its
 * secret on every request. Entries are found by the SHA-256 of the secret (the secret itself is not
 * kept), live `ttlMs`, and are dropped at once when the key is revoked through this process
 * (`forgetKey`); a revocation made through another process sharing the database takes effect when
 * the entry expires. Failed authentications are never cached. Admin keys are not cached either:
 * their traffic is light and their name is recorded as the actor of each change.
 */
import type { Principal } from '../../services/api-keys.js';

/** How long a cached principal is trusted: the bound on a revocation made through another process. */
export const PRINCIPAL_TTL_MS = 1_000;

interface Entry {
  principal: Principal;
  expiresAt: number;
}

export class PrincipalCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? PRINCIPAL_TTL_MS;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** The principal cached for this secret hash, if it has not expired. */
  get(secretHash: string): Principal | undefined {
    const entry = this.#entries.get(secretHash);
    if (entry === undefined) return undefined;
    if (this.#now() < entry.expiresAt) return entry.principal;
    this.#entries.delete(secretHash);
    return undefined;
  }

  /** Remembers an authenticated SDK key's principal (others are ignored). */
  set(secretHash: string, principal: Principal): void {
    if (principal.kind === 'admin') return;
    // Bounded: when full, the oldest entry goes (Map iterates in insertion order).
    if (this.#entries.size >= this.#maxEntries && !this.#entries.has(secretHash)) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(secretHash, { principal, expiresAt: this.#now() + this.#ttlMs });
  }

  /** Drops every entry of a key (it was revoked). */
  forgetKey(keyId: number): void {
    for (const [hash, entry] of this.#entries)
      if (entry.principal.keyId === keyId) this.#entries.delete(hash);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** One cache per store, shared by every `requireKey` built on it. */
const caches = new WeakMap<object, PrincipalCache>();

/**
 * The principal cache of the app built on `store`. The write path that revokes keys (the
 * notifying store) calls `forgetKey` on the same cache.
 */
export function principalCacheOf(store: object): PrincipalCache {
  let cache = caches.get(store);
  if (cache === undefined) {
    cache = new PrincipalCache();
    caches.set(store, cache);
  }
  return cache;
}
