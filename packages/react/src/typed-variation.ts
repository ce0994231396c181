import type { EnsignBrowserClient, EvaluationDetail, JsonValue } from '@ensign/browser';

/**
 * Evaluates with the client's typed getter matching the default's JSON type, so a hook typed by its
 * default never receives a value of another type: a flag of another type serves the default
 * (`WRONG_TYPE`), as in the typed getters. Objects, arrays and `null` are JSON flags.
 */
export function typedVariation<T extends JsonValue>(
  client: EnsignBrowserClient,
  flagKey: string,
  defaultValue: T,
): T {
  switch (typeof defaultValue) {
    case 'boolean':
      return client.boolVariation(flagKey, defaultValue) as T;
    case 'string':
      return client.stringVariation(flagKey, defaultValue) as T;
    case 'number':
      return client.numberVariation(flagKey, defaultValue) as T;
    default:
      return client.jsonVariation(flagKey, defaultValue);
  }
}

/** {@link typedVariation}, with the detail. */
export function typedVariationDetail<T extends JsonValue>(
  client: EnsignBrowserClient,
  flagKey: string,
  defaultValue: T,
): EvaluationDetail<T> {
  switch (typeof defaultValue) {
    case 'boolean':
      return client.boolVariationDetail(flagKey, defaultValue) as EvaluationDetail<T>;
    case 'string':
      return client.stringVariationDetail(flagKey, defaultValue) as EvaluationDetail<T>;
    case 'number':
      return client.numberVariationDetail(flagKey, defaultValue) as EvaluationDetail<T>;
    default:
      return client.jsonVariationDetail(flagKey, defaultValue);
  }
}
