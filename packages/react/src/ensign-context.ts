import type { EnsignBrowserClient } from '@ensign/browser';
import { createContext } from 'react';

/** What `EnsignProvider` gives the hooks. */
export interface EnsignContextValue {
  /** The live client: renders after hydration, and every update, read it. */
  client: EnsignBrowserClient;
  /** A client of the payload the server rendered with, created on first call: hydration reads it. */
  hydration: (() => EnsignBrowserClient) | undefined;
}

/** `null` when no `EnsignProvider` is mounted above. */
export const EnsignContext = createContext<EnsignContextValue | null>(null);
EnsignContext.displayName = 'EnsignContext';
