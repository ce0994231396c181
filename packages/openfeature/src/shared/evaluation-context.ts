import type { Context } from '@ensign/core';

/**
 * OpenFeature's evaluation context as an Ensign context: `targetingKey` becomes `key` (what targets
 * and rollouts use); every other attribute passes through. A `key` attribute is kept when there is
 * no targeting key, so contexts written for Ensign work unchanged.
 */
export function toEnsignContext(context: Record<string, unknown> | undefined): Context {
  if (context === undefined) return {};
  const { targetingKey, ...attributes } = context;
  return typeof targetingKey === 'string' ? { ...attributes, key: targetingKey } : attributes;
}
