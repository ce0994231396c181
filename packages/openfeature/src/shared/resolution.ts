import { type JsonValue, type Reason, toOpenFeatureReason } from '@ensign/core';

/**
 * An Ensign SDK's evaluation detail, as both `@ensign/node` and `@ensign/browser` return it
 * (structurally typed, so the server and web entries share this mapping without importing each other's SDK).
 */
export interface EnsignDetail<T extends JsonValue = JsonValue> {
  value: T;
  variationIndex: number | undefined;
  reason: Reason;
  flagVersion: number | undefined;
}

/** What OpenFeature's SDKs expect from a provider's resolve methods (structurally typed: no SDK import). */
export interface Resolution<T> {
  value: T;
  variant?: string;
  reason?: string;
  errorCode?: string;
  errorMessage?: string;
  flagMetadata?: Record<string, string | number | boolean>;
}

/**
 * An Ensign evaluation as OpenFeature resolution details (docs/evaluation.md §8): the variation
 * index is the variant, the reason is mapped, and the Ensign reason and flag version travel as
 * flag metadata for logs and hooks.
 */
export function toResolution<T extends JsonValue>(detail: EnsignDetail<T>): Resolution<T> {
  const mapped = toOpenFeatureReason(detail.reason);
  const r = detail.reason;
  const flagMetadata: Record<string, string | number | boolean> = { ensignReason: r.kind };
  if (detail.flagVersion !== undefined) flagMetadata.flagVersion = detail.flagVersion;
  if (r.kind === 'RULE_MATCH') {
    flagMetadata.ruleId = r.ruleId;
    flagMetadata.ruleIndex = r.ruleIndex;
  }
  if (r.kind === 'PREREQUISITE_FAILED') flagMetadata.prerequisiteKey = r.prerequisiteKey;
  return {
    value: detail.value,
    ...(detail.variationIndex !== undefined && { variant: String(detail.variationIndex) }),
    reason: mapped.reason,
    ...(mapped.errorCode !== undefined && { errorCode: mapped.errorCode }),
    ...(r.kind === 'ERROR' && r.message !== undefined && { errorMessage: r.message }),
    flagMetadata,
  };
}
