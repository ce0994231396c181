import { createRuleset } from '@ensign/core';
import { describe, expect, it } from 'vitest';
import { ensignSnapshot, flagKind, growthbookPayload, userKey } from './realistic-flags.js';

describe('realistic flags', () => {
  it('mixes 60 % rollouts, 30 % targeted strings and 10 % simple booleans', () => {
    const kinds = Array.from({ length: 1_000 }, (_, i) => flagKind(i));
    expect(kinds.filter((k) => k === 'rollout')).toHaveLength(600);
    expect(kinds.filter((k) => k === 'targeted-string')).toHaveLength(300);
    expect(kinds.filter((k) => k === 'simple')).toHaveLength(100);
  });

  it('compiles in Ensign without problems, with unique keys', () => {
    const snapshot = ensignSnapshot();
    expect(new Set(snapshot.flags.map((f) => f.key)).size).toBe(1_000);
    const rules = createRuleset({ flags: snapshot.flags, segments: snapshot.segments });
    expect(rules.problems()).toEqual([]);
    // A targeted key gets its variation; a segment member is in the rollout's rule.
    const targeted = snapshot.flags[6]!;
    expect(rules.evaluate(targeted.key, { key: targeted.targets![0]!.values[0]! }).value).toBe('variant-a');
    expect(rules.evaluate(snapshot.flags[0]!.key, { key: userKey(100_000), country: 'XX' }).reason.kind).toBe(
      'RULE_MATCH',
    );
  });

  it('has one GrowthBook feature per flag', () => {
    expect(Object.keys(growthbookPayload().features)).toHaveLength(1_000);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(ensignSnapshot())).toBe(JSON.stringify(ensignSnapshot()));
  });
});
