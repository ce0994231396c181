import type { EnsignBrowserClient } from '@ensign/browser';

/**
 * Subscribes `onStoreChange` to what can change one flag's value: a `change` event naming it (a
 * server change, or `identify`), and any status change (the first flags arrive as `ready`, not as a
 * change). React then re-reads the value and re-renders only if it differs, so components of other
 * flags are not touched.
 */
export function subscribeToFlag(
  client: EnsignBrowserClient,
  flagKey: string,
  onStoreChange: () => void,
): () => void {
  const offChange = client.on('change', ({ keys }) => {
    if (keys.includes(flagKey)) onStoreChange();
  });
  const offStatus = client.on('status', () => onStoreChange());
  return () => {
    offChange();
    offStatus();
  };
}

/** The subscription of hooks that have no client (no provider): nothing ever changes. */
export function subscribeToNothing(): () => void {
  return () => {};
}
