/** Parsing of the benchmark CLIs' option values (`--sdk a,b`, `--runs 5`). */

/**
 * The items of a comma-separated option, each checked against `all`, in `all`'s order; every item
 * when the option is absent.
 *
 * @example
 * pick('b, A', ['a', 'b', 'c'], 'scenario') // ['a', 'b']
 */
export function pick<T extends string>(raw: string | undefined, all: readonly T[], what: string): T[] {
  if (raw === undefined) return [...all];
  const picked = raw.split(',').map((s) => s.trim().toLowerCase());
  for (const p of picked) {
    if (!(all as readonly string[]).includes(p))
      throw new Error(`unknown ${what} "${p}" (one of ${all.join(', ')})`);
  }
  return all.filter((x) => picked.includes(x));
}

/** A positive integer option (`_` and `,` allowed as digit separators), or `fallback` when absent. */
export function positiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} needs a positive integer`);
  return n;
}

/** A comma-separated list of positive integers (`--concurrency 8,32`), or `fallback` when absent. */
export function positiveInts(raw: string | undefined, fallback: readonly number[], name: string): number[] {
  if (raw === undefined) return [...fallback];
  return raw
    .split(/[,\s]+/)
    .filter((s) => s !== '')
    .map((s) => positiveInt(s, 0, name));
}
