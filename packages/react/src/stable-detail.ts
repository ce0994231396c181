import type { EvaluationDetail, JsonValue, Reason } from '@ensign/browser';

/**
 * Wraps an evaluation so that it returns the previous detail object while the result is the same:
 * the SDK may build a new detail per call, and React's `useSyncExternalStore` needs an unchanged
 * snapshot to keep the same identity (or it re-renders, or loops).
 */
export function stableDetail<T extends JsonValue>(
  evaluate: () => EvaluationDetail<T>,
): () => EvaluationDetail<T> {
  let last: EvaluationDetail<T> | undefined;
  return () => {
    const next = evaluate();
    if (last !== undefined && sameDetail(last, next)) return last;
    last = next;
    return next;
  };
}

function sameDetail(a: EvaluationDetail, b: EvaluationDetail): boolean {
  return (
    Object.is(a.value, b.value) &&
    a.variationIndex === b.variationIndex &&
    a.flagVersion === b.flagVersion &&
    sameReason(a.reason, b.reason)
  );
}

/** Reasons are flat objects of primitives. */
function sameReason(a: Reason, b: Reason): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  return keys.every((key) => Object.is(x[key], y[key]));
}
