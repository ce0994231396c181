/**
 * Attribute references for the client interpreter (docs/evaluation.md §4.1): a top-level name, or an
 * RFC 6901 JSON Pointer when it starts with `/`. Parsed on every use rather than compiled once
 * (attribute.ts): the browser build is sized by bytes, not nanoseconds.
 */

/** Whether `ref` is a valid reference: non-empty, and a pointer's `~` escapes are `~0` or `~1`. */
export const isAttributeRef = (ref: unknown): ref is string =>
  typeof ref === 'string' && ref !== '' && !(ref[0] === '/' && /~(?![01])/.test(ref));

/**
 * The value `ref` names in `context`, or undefined when it is missing. Like the compiled evaluator,
 * a top-level name that Object.prototype also has (`constructor`, `__proto__`…) counts only as an
 * own member, and pointer steps always need own members.
 */
export const attribute = (context: object, ref: string): unknown =>
  ref[0] === '/'
    ? ref
        .slice(1)
        .split('/')
        .reduce<unknown>((value, step) => {
          const name = step.replace(/~1/g, '/').replace(/~0/g, '~');
          return value &&
            typeof value === 'object' &&
            // Array steps are decimal indexes ("01" names no element; "length" is not one).
            (Array.isArray(value) ? /^\d+$/.test(name) : Object.hasOwn(value, name))
            ? (value as Record<string, unknown>)[name]
            : undefined;
        }, context)
    : Object.hasOwn(context, ref) || !(ref in {})
      ? (context as Record<string, unknown>)[ref]
      : undefined;
