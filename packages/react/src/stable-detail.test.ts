import type { EvaluationDetail } from '@ensign/browser';
import { describe, expect, it } from 'vitest';
import { stableDetail } from './stable-detail.js';

const detail = (value: string, reason: EvaluationDetail['reason']): EvaluationDetail<string> => ({
  value,
  variationIndex: value === 'a' ? 0 : 1,
  reason,
  flagVersion: 1,
});

describe('stableDetail', () => {
  it('returns the previous object while the result is equal, a new one when it changes', () => {
    let next = detail('a', { kind: 'RULE_MATCH', ruleIndex: 0, ruleId: 'r', inRollout: false });
    const get = stableDetail(() => ({ ...next, reason: { ...next.reason } }));
    const first = get();
    expect(get()).toBe(first); // fresh but equal objects from the SDK → same identity

    next = detail('a', { kind: 'RULE_MATCH', ruleIndex: 1, ruleId: 's', inRollout: false });
    const second = get();
    expect(second).not.toBe(first); // same value, another reason: a new detail
    expect(second.reason).toEqual(next.reason);

    next = detail('b', { kind: 'FALLTHROUGH', inRollout: false });
    expect(get().value).toBe('b');
  });

  it('compares error reasons by their members (an ERROR result is a new object each time)', () => {
    const get = stableDetail(() => ({
      value: 'dflt',
      variationIndex: undefined,
      reason: { kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND', message: 'no flag' } as const,
      flagVersion: undefined,
    }));
    expect(get()).toBe(get());
  });
});
