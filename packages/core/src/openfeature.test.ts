import { describe, expect, it } from 'vitest';
import type { Reason } from './model.js';
import { toOpenFeatureReason } from './openfeature.js';

describe('toOpenFeatureReason (docs/evaluation.md §8)', () => {
  it.each<[Reason, ReturnType<typeof toOpenFeatureReason>]>([
    [{ kind: 'OFF' }, { reason: 'DISABLED' }],
    [{ kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'p' }, { reason: 'DISABLED' }],
    [{ kind: 'TARGET_MATCH' }, { reason: 'TARGETING_MATCH' }],
    [{ kind: 'RULE_MATCH', ruleIndex: 0, ruleId: 'r', inRollout: false }, { reason: 'TARGETING_MATCH' }],
    [{ kind: 'RULE_MATCH', ruleIndex: 0, ruleId: 'r', inRollout: true }, { reason: 'SPLIT' }],
    [{ kind: 'FALLTHROUGH', inRollout: false }, { reason: 'DEFAULT' }],
    [{ kind: 'FALLTHROUGH', inRollout: true }, { reason: 'SPLIT' }],
    [
      { kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND' },
      { reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' },
    ],
    [
      { kind: 'ERROR', errorKind: 'MALFORMED_FLAG' },
      { reason: 'ERROR', errorCode: 'PARSE_ERROR' },
    ],
    [
      { kind: 'ERROR', errorKind: 'WRONG_TYPE' },
      { reason: 'ERROR', errorCode: 'TYPE_MISMATCH' },
    ],
    [
      { kind: 'ERROR', errorKind: 'INVALID_CONTEXT' },
      { reason: 'ERROR', errorCode: 'INVALID_CONTEXT' },
    ],
    [
      { kind: 'ERROR', errorKind: 'TARGETING_KEY_MISSING' },
      { reason: 'ERROR', errorCode: 'TARGETING_KEY_MISSING' },
    ],
    [
      { kind: 'ERROR', errorKind: 'CLIENT_NOT_READY' },
      { reason: 'ERROR', errorCode: 'PROVIDER_NOT_READY' },
    ],
    [
      { kind: 'ERROR', errorKind: 'EXCEPTION' },
      { reason: 'ERROR', errorCode: 'GENERAL' },
    ],
  ])('%o → %o', (reason, expected) => {
    expect(toOpenFeatureReason(reason)).toEqual(expected);
  });
});
