/**
 * Why a service refused: a rule of the domain the caller broke. Services know nothing of HTTP; the
 * error handler maps each kind to a status (http/error-handler.ts) and sends `code`, `message` and
 * `issues` as they are.
 */

/** One problem with the input, `path` naming the field (`"rules.0.clauses"`; `""` for the whole). */
export interface Issue {
  path: string;
  message: string;
}

/**
 * - `not_found`: what the request names does not exist.
 * - `invalid`: the input breaks a rule (`issues` says where).
 * - `conflict`: the current state forbids it (archived, in use, the last admin key).
 * - `precondition_required`: a write that needs the version it replaces was sent without one.
 */
export type DomainErrorKind = 'not_found' | 'invalid' | 'conflict' | 'precondition_required';

/**
 * @example
 * throw new DomainError('conflict', 'in_use', 'segment "beta" is in use', { issues });
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly kind: DomainErrorKind;
  readonly code: string;
  readonly issues: Issue[] | undefined;
  /** The stored version, when the client needs it to retry (sent as ETag). */
  readonly currentVersion: number | undefined;

  constructor(
    kind: DomainErrorKind,
    code: string,
    message: string,
    options: { issues?: Issue[]; currentVersion?: number } = {},
  ) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.issues = options.issues;
    this.currentVersion = options.currentVersion;
  }
}
