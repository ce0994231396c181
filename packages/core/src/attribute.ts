import { fail } from './compile-error.js';

/**
 * Attribute references: a top-level name, or an RFC 6901 JSON Pointer when the name starts
 * with `/`. Only own members count. See docs/evaluation.md §4.1.
 */

const hasOwn = Object.prototype.hasOwnProperty;

/** A compiled attribute reference: a top-level name, or the steps of a pointer. */
export type AttributeRef = string | readonly string[];

/** Compiles an attribute reference; throws CompileError naming `path` when it is invalid. */
export function compileAttributeRef(ref: string, path: string): AttributeRef {
  if (ref === '') fail(path, 'must not be empty');
  if (ref[0] !== '/') return ref;
  return ref
    .slice(1)
    .split('/')
    .map((step) => {
      if (/~(?![01])/.test(step)) fail(path, `invalid JSON Pointer escape in "${ref}"`);
      return step.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

// Hot path: resolves an attribute on a context; written for speed.
/** The attribute's value, or undefined when it is missing (absent, inherited or behind a non-object). */
export function resolveAttribute(context: object, ref: AttributeRef): unknown {
  if (typeof ref === 'string') {
    const v = (context as Record<string, unknown>)[ref];
    return v !== undefined && hasOwn.call(context, ref) ? v : undefined;
  }
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
