import {
  type BrowserClientOptions,
  createClient,
  type EnsignBrowserClient,
  type SnapshotPayload,
} from '@ensign/browser';
import { type ReactNode, useMemo } from 'react';
import { EnsignContext } from './ensign-context.js';

/** Props of {@link EnsignProvider}. */
export interface EnsignProviderProps {
  /** The client the hooks read; create it once (outside render), with `bootstrap` after SSR. */
  client: EnsignBrowserClient;
  /**
   * The payload the server rendered with (SSR). When given, hydration reads flags from it, for the
   * client's context at the first render, rather than from the live client: the first client render
   * then equals the server HTML even if the live client has already moved on (a newer cached
   * snapshot, a change streamed before hydration). After hydration the hooks read the live client
   * and re-render what changed. Without it, hydration reads the live client.
   */
  bootstrap?: SnapshotPayload | undefined;
  /** The extra operators the client was created with, if any: `bootstrap` is evaluated with them too. */
  operators?: BrowserClientOptions['operators'];
  children?: ReactNode;
}

/**
 * Makes an `@ensign/browser` client available to `useFlag`, `useFlagDetail`, `useEnsignStatus` and
 * `useEnsignClient` below it. The provider never re-renders its subtree on flag changes: each hook
 * subscribes for itself.
 *
 * @example
 * const client = createClient({ clientKey, baseUrl, context: { key: user.id } });
 * createRoot(root).render(<EnsignProvider client={client}><App /></EnsignProvider>);
 */
export function EnsignProvider({ client, bootstrap, operators, children }: EnsignProviderProps): ReactNode {
  const value = useMemo(() => {
    let hydration: EnsignBrowserClient | undefined;
    return {
      client,
      // Created on first use — React reads it only while hydrating — and offline, without cache or
      // telemetry: a frozen copy of what the server rendered with.
      hydration:
        bootstrap === undefined
          ? undefined
          : () =>
              (hydration ??= createClient({
                offline: true,
                cache: false,
                telemetry: false,
                bootstrap,
                context: client.context,
                ...(operators !== undefined && { operators }),
              })),
    };
  }, [client, bootstrap, operators]);
  return <EnsignContext.Provider value={value}>{children}</EnsignContext.Provider>;
}
