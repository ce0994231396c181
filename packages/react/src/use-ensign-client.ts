import type { EnsignBrowserClient } from '@ensign/browser';
import { useContext } from 'react';
import { EnsignContext } from './ensign-context.js';

/**
 * The client given to `EnsignProvider`, for what the hooks do not cover: `identify` when the user
 * signs in, `allFlags`, `ready`. Unlike the flag hooks it throws outside a provider: there is no
 * client to return, and code that calls `identify` on nothing would fail silently.
 *
 * @example
 * const client = useEnsignClient();
 * const onSignIn = (user) => client.identify({ key: user.id, plan: user.plan });
 */
export function useEnsignClient(): EnsignBrowserClient {
  const context = useContext(EnsignContext);
  if (context === null)
    throw new Error('@ensign/react: useEnsignClient() must be used inside <EnsignProvider client={client}>');
  return context.client;
}
