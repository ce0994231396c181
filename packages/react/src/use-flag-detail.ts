import type { EvaluationDetail, JsonValue } from '@ensign/browser';
import { useMemo, useSyncExternalStore } from 'react';
import { stableDetail } from './stable-detail.js';
import { typedVariationDetail } from './typed-variation.js';
import { useFlagSource } from './use-flag-source.js';

/**
 * Like `useFlag`, with why the value was served: `{ value, variationIndex, reason, flagVersion }`
 * (`reason.kind`: `OFF`, `TARGET_MATCH`, `RULE_MATCH`, `PREREQUISITE_FAILED`, `FALLTHROUGH`, or
 * `ERROR` with `errorKind` — `FLAG_NOT_FOUND`, `WRONG_TYPE`, `CLIENT_NOT_READY`, …). The detail
 * object keeps its identity while the result is unchanged (for a JSON default, pass a constant).
 *
 * @example
 * const { value, reason } = useFlagDetail('new-checkout', false);
 */
export function useFlagDetail(flagKey: string, defaultValue: boolean): EvaluationDetail<boolean>;
export function useFlagDetail(flagKey: string, defaultValue: string): EvaluationDetail<string>;
export function useFlagDetail(flagKey: string, defaultValue: number): EvaluationDetail<number>;
export function useFlagDetail<T extends JsonValue>(flagKey: string, defaultValue: T): EvaluationDetail<T>;
export function useFlagDetail<T extends JsonValue>(flagKey: string, defaultValue: T): EvaluationDetail<T> {
  const { client, hydration, subscribe } = useFlagSource('useFlagDetail', flagKey);
  const getSnapshot = useMemo(
    () =>
      stableDetail(() =>
        client === undefined ? noProvider(defaultValue) : typedVariationDetail(client, flagKey, defaultValue),
      ),
    [client, flagKey, defaultValue],
  );
  const getServerSnapshot = useMemo(
    () =>
      hydration === undefined
        ? getSnapshot
        : stableDetail(() => typedVariationDetail(hydration(), flagKey, defaultValue)),
    [hydration, flagKey, defaultValue, getSnapshot],
  );
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}

function noProvider<T extends JsonValue>(defaultValue: T): EvaluationDetail<T> {
  return {
    value: defaultValue,
    variationIndex: undefined,
    reason: { kind: 'ERROR', errorKind: 'CLIENT_NOT_READY', message: 'no <EnsignProvider> above' },
    flagVersion: undefined,
  };
}
