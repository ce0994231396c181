import type { ErrorKind, Reason } from './model.js';

/** OpenFeature's standard resolution reasons that Ensign reasons map to. */
export type OpenFeatureReason = 'DISABLED' | 'TARGETING_MATCH' | 'SPLIT' | 'DEFAULT' | 'ERROR';

/** OpenFeature's standard error codes that Ensign error kinds map to. */
export type OpenFeatureErrorCode =
  | 'FLAG_NOT_FOUND'
  | 'PARSE_ERROR'
  | 'TYPE_MISMATCH'
  | 'INVALID_CONTEXT'
  | 'TARGETING_KEY_MISSING'
  | 'PROVIDER_NOT_READY'
  | 'GENERAL';

const ERROR_CODES: Record<ErrorKind, OpenFeatureErrorCode> = {
  FLAG_NOT_FOUND: 'FLAG_NOT_FOUND',
  MALFORMED_FLAG: 'PARSE_ERROR',
  WRONG_TYPE: 'TYPE_MISMATCH',
  INVALID_CONTEXT: 'INVALID_CONTEXT',
  TARGETING_KEY_MISSING: 'TARGETING_KEY_MISSING',
  CLIENT_NOT_READY: 'PROVIDER_NOT_READY',
  EXCEPTION: 'GENERAL',
};

/**
 * Maps an Ensign reason to OpenFeature's reason and error code (docs/evaluation.md §8).
 *
 * @example toOpenFeatureReason({ kind: 'FALLTHROUGH', inRollout: true }) // → { reason: 'SPLIT' }
 */
export function toOpenFeatureReason(reason: Reason): {
  reason: OpenFeatureReason;
  errorCode?: OpenFeatureErrorCode;
} {
  switch (reason.kind) {
    case 'OFF':
    case 'PREREQUISITE_FAILED':
      return { reason: 'DISABLED' };
    case 'TARGET_MATCH':
      return { reason: 'TARGETING_MATCH' };
    case 'RULE_MATCH':
      return { reason: reason.inRollout ? 'SPLIT' : 'TARGETING_MATCH' };
    case 'FALLTHROUGH':
      return { reason: reason.inRollout ? 'SPLIT' : 'DEFAULT' };
    case 'ERROR':
      return { reason: 'ERROR', errorCode: ERROR_CODES[reason.errorKind] };
  }
}
