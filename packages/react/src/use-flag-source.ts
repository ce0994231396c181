import { useCallback, useContext } from 'react';
import { EnsignContext } from './ensign-context.js';
import { subscribeToFlag, subscribeToNothing } from './flag-subscription.js';
import { warnMissingProvider } from './missing-provider.js';

/**
 * What a flag hook reads (the provider's client, and the client built from the bootstrap while
 * hydrating) and its subscription to that flag's changes. Outside `EnsignProvider`: no client, one
 * console warning naming `hook`, and a subscription to nothing.
 */
export function useFlagSource(hook: string, flagKey: string) {
  const context = useContext(EnsignContext);
  if (context === null) warnMissingProvider(hook);
  const client = context?.client;
  const subscribe = useCallback(
    (onStoreChange: () => void) =>
      client === undefined ? subscribeToNothing() : subscribeToFlag(client, flagKey, onStoreChange),
    [client, flagKey],
  );
  return { client, hydration: context?.hydration, subscribe };
}
