import type { ClientStatus } from '@ensign/browser';
import { useContext, useMemo, useSyncExternalStore } from 'react';
import { EnsignContext } from './ensign-context.js';
import { subscribeToNothing } from './flag-subscription.js';
import { warnMissingProvider } from './missing-provider.js';

/** What {@link useEnsignStatus} returns. */
export interface EnsignStatus {
  /** `initializing` → `ready`; `stale` (server unreachable, flags still served), `error` (key refused), `closed`. */
  status: ClientStatus;
  /** No flags yet (`initializing`): hooks serve their defaults; show a placeholder if that matters. */
  isLoading: boolean;
  /** Flags loaded and the connection healthy (or offline with a bootstrap). */
  isReady: boolean;
}

/**
 * The client's status, re-rendering when it changes. Outside `EnsignProvider` it is `error` (hooks
 * serve defaults there), with one console warning.
 *
 * @example
 * const { isLoading } = useEnsignStatus();
 * if (isLoading) return <Spinner />;
 */
export function useEnsignStatus(): EnsignStatus {
  const context = useContext(EnsignContext);
  if (context === null) warnMissingProvider('useEnsignStatus');
  const client = context?.client;
  const hydration = context?.hydration;
  const subscribe = useMemo(
    () =>
      client === undefined
        ? subscribeToNothing
        : (onStoreChange: () => void) => client.on('status', () => onStoreChange()),
    [client],
  );
  const getSnapshot = (): ClientStatus => client?.status ?? 'error';
  const status = useSyncExternalStore(
    subscribe,
    getSnapshot,
    hydration === undefined ? getSnapshot : () => hydration().status,
  );
  return useMemo(
    () => ({ status, isLoading: status === 'initializing', isReady: status === 'ready' }),
    [status],
  );
}
