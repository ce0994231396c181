import { describe, expect, it } from 'vitest';
import { dealFlags } from './lanes.js';

describe('dealFlags', () => {
  it('deals flag indexes round-robin, each to exactly one lane', () => {
    expect(dealFlags(5, 2)).toEqual([
      [0, 2, 4],
      [1, 3],
    ]);
    const dealt = dealFlags(64, 32);
    expect(dealt.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(dealt.every((lane) => lane.length === 2)).toBe(true);
  });

  it('gives one lane every flag', () => {
    expect(dealFlags(3, 1)).toEqual([[0, 1, 2]]);
  });

  it('refuses more lanes than flags, and lanes that are not a positive integer', () => {
    expect(() => dealFlags(8, 32)).toThrow(/at least 32 flags/);
    expect(() => dealFlags(8, 0)).toThrow(/positive integer/);
    expect(() => dealFlags(8, 1.5)).toThrow(/positive integer/);
  });
});
