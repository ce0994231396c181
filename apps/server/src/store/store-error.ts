/** Why a store operation refused: a condition the caller can act on, translated to HTTP at the edge. */
export type StoreErrorCode = 'not_found' | 'conflict' | 'version_mismatch';

/**
 * An expected store failure. `version_mismatch` carries the stored version (0 = absent) so the API
 * can answer 412 with the current ETag.
 *
 * @example
 * throw new StoreError('version_mismatch', 'flag "checkout" is at version 4', { currentVersion: 4 });
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly currentVersion: number | undefined;

  constructor(code: StoreErrorCode, message: string, details: { currentVersion?: number } = {}) {
    super(message);
    this.code = code;
    this.currentVersion = details.currentVersion;
  }
}
