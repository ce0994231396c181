let warned = false;

/**
 * Flag hooks used outside an `EnsignProvider` serve their defaults (evaluation never throws, and a
 * feature flag must not take a page down); this says so once, in the console.
 */
export function warnMissingProvider(hook: string): void {
  if (warned) return;
  warned = true;
  console.warn(
    `@ensign/react: ${hook}() is used outside <EnsignProvider>; serving default values. ` +
      'Wrap your app in <EnsignProvider client={client}>.',
  );
}
