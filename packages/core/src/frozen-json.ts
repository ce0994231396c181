import type { JsonValue } from './model.js';

/**
 * A deep, frozen copy of a JSON value. Evaluation results share their values across calls, so
 * they must be immutable; copying first leaves the caller's flag object untouched.
 * Returns undefined when `value` is not JSON (undefined, functions, non-finite numbers, cycles).
 */
export function frozenJson(value: unknown, depth = 0): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'object' || depth > 64) return undefined;
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (const item of value) {
      const v = frozenJson(item, depth + 1);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return Object.freeze(out.slice()) as JsonValue[]; // exact size: `push` leaves spare capacity
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value)) {
    const v = frozenJson((value as Record<string, unknown>)[key], depth + 1);
    if (v === undefined) return undefined;
    // A plain assignment to "__proto__" would set the prototype instead of a member.
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return Object.freeze(out);
}
