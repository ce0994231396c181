import type { SnapshotPayload } from '@ensign/browser';

/** What a test page tells the browser entry (as `window.__ensignTest`, set by an inline script). */
export interface PageConfig {
  /** `render`: client-only (`createRoot`); `hydrate`: `hydrateRoot` over server-rendered HTML. */
  mount: 'render' | 'hydrate';
  context: Record<string, unknown>;
  /** The client's bootstrap: a payload, or `page` to read it with `readBootstrap()`. */
  bootstrap?: SnapshotPayload | 'page';
  /** Also give `EnsignProvider` the payload read from the page, so hydration reads it. */
  providerBootstrap?: boolean;
  clientKey?: string;
  baseUrl?: string;
  offline?: boolean;
}
