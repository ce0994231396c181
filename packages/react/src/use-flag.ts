import type { JsonValue } from '@ensign/browser';
import { useSyncExternalStore } from 'react';
import { typedVariation } from './typed-variation.js';
import { useFlagSource } from './use-flag-source.js';

/**
 * The value of a flag for the client's current context, kept current: the component re-renders when
 * this flag's value changes (a server change, `identify`), and only then. Never throws: an unknown
 * flag, a flag of another type or a client without flags yet serves `defaultValue`, and so does a
 * component outside `EnsignProvider` (with one console warning).
 *
 * JSON values are shared and frozen by the SDK (stable identity until they change): do not mutate them.
 *
 * @example
 * const showBanner = useFlag('summer-banner', false);
 * const layout = useFlag('checkout-layout', DEFAULT_LAYOUT);
 */
export function useFlag(flagKey: string, defaultValue: boolean): boolean;
export function useFlag(flagKey: string, defaultValue: string): string;
export function useFlag(flagKey: string, defaultValue: number): number;
export function useFlag<T extends JsonValue>(flagKey: string, defaultValue: T): T;
export function useFlag<T extends JsonValue>(flagKey: string, defaultValue: T): T {
  const { client, hydration, subscribe } = useFlagSource('useFlag', flagKey);
  const getSnapshot = () =>
    client === undefined ? defaultValue : typedVariation(client, flagKey, defaultValue);
  const getServerSnapshot =
    hydration === undefined ? getSnapshot : () => typedVariation(hydration(), flagKey, defaultValue);
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}
