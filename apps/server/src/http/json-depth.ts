/**
 * How deeply a parsed JSON value nests. Validators (zod's `z.json()` among them) walk values
 * recursively, so a body nested a few thousand levels deep overflows the stack inside them: it is
 * refused before validation. The walk here is iterative, so it cannot overflow itself.
 */

/** Deepest nesting a request body may have. Flag values and rules need far less. */
export const maxJsonDepth = 64;

/**
 * The path (keys and indices) of the first value nested deeper than `max` levels, or `undefined`
 * when the whole value is within it. A scalar at the top is depth 0; `[[1]]` has depth 2.
 *
 * @example
 * tooDeep({ a: [[1]] }, 2) // ['a', '0']
 */
export function tooDeep(value: unknown, max: number = maxJsonDepth): string[] | undefined {
  const stack: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= max) return path;
    const entries = Array.isArray(current) ? current.entries() : Object.entries(current);
    for (const [key, child] of entries) {
      if (child !== null && typeof child === 'object')
        stack.push({ value: child, path: [...path, String(key)] });
    }
  }
  return undefined;
}
