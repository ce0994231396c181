import { fail } from './compile-error.js';

/**
 * Attribute references: a top-level name, or an RFC 6901 JSON Pointer when the name starts
 * with `/`. Only own members count. See docs/evaluation.md §4.1.
 */

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A compiled attribute reference: a top-level name, or the steps of a pointer. Names that
 * Object.prototype also has (`constructor`, `toString`, `__proto__`…) are marked so that only
 * those pay for an own-member check.
 */
export type AttributeRef = string | { readonly inherited: string } | readonly string[];

/** Compiles an attribute reference; throws CompileError naming `path` when it is invalid. */
export function compileAttributeRef(ref: string, path: string): AttributeRef {
  if (ref === '') fail(path, 'must not be empty');
  if (ref[0] !== '/') return ref in Object.prototype ? { inherited: ref } : ref;
  return ref
    .slice(1)
    .split('/')
    .map((step) => {
      if (/~(?![01])/.test(step)) fail(path, `invalid JSON Pointer escape in "${ref}"`);
      return step.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

// Hot path: resolves an attribute on a context; written for speed.
/**
 * The attribute's value, or undefined when it is missing (absent, inherited from Object.prototype,
 * or behind a non-object).
 */
export function resolveAttribute(context: object, ref: AttributeRef): unknown {
  if (typeof ref === 'string') return (context as Record<string, unknown>)[ref];
  if (!Array.isArray(ref)) {
    const name = (ref as { inherited: string }).inherited;
    return hasOwn.call(context, name) ? (context as Record<string, unknown>)[name] : undefined;
  }
  return resolvePointer(context, ref);
}

function resolvePointer(context: object, ref: readonly string[]): unknown {
  let cur: unknown = context;
  for (let i = 0; i < ref.length; i++) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    const step = ref[i]!;
    if (Array.isArray(cur)) {
      // Array steps are decimal indexes without leading zeros.
      if (!/^(0|[1-9][0-9]*)$/.test(step)) return undefined;
      cur = cur[Number(step)];
    } else {
      if (!hasOwn.call(cur, step)) return undefined;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}
