/**
 * Raised when a flag or segment cannot be compiled. `path` names the offending member, e.g.
 * `rules[2].clauses[0].values[1]`, so API errors and SDK logs point at the exact field.
 */
export class CompileError extends Error {
  override readonly name = 'CompileError';
  constructor(
    /** JSON path of the offending member, relative to the flag or segment ('' for the whole). */
    readonly path: string,
    /** What is wrong, without the path. */
    readonly problem: string,
  ) {
    super(path === '' ? problem : `${path}: ${problem}`);
  }
}

/** Throws a {@link CompileError}; typed `never` so callers can use it in expressions. */
export function fail(path: string, problem: string): never {
  throw new CompileError(path, problem);
}
