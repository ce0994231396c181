import { describe, expect, it } from 'vitest';
import { pick, positiveInt, positiveInts } from './cli-args.js';

describe('pick', () => {
  it('keeps the allowed order, ignores case and spaces, and defaults to all', () => {
    expect(pick('b, A', ['a', 'b', 'c'], 'scenario')).toEqual(['a', 'b']);
    expect(pick(undefined, ['a', 'b'], 'scenario')).toEqual(['a', 'b']);
  });

  it('names what is unknown', () => {
    expect(() => pick('d', ['a', 'b'], 'suite')).toThrow('unknown suite "d" (one of a, b)');
  });
});

describe('positiveInt', () => {
  it('reads digit separators and falls back when absent', () => {
    expect(positiveInt('1_000', 5, 'runs')).toBe(1000);
    expect(positiveInt('20,000', 5, 'runs')).toBe(20_000);
    expect(positiveInt(undefined, 5, 'runs')).toBe(5);
  });

  it('rejects zero, negatives, fractions and words', () => {
    for (const bad of ['0', '-1', '1.5', 'many', ''])
      expect(() => positiveInt(bad, 5, 'runs')).toThrow('--runs needs a positive integer');
  });
});

describe('positiveInts', () => {
  it('reads a comma- or space-separated list', () => {
    expect(positiveInts('8,32', [1], 'concurrency')).toEqual([8, 32]);
    expect(positiveInts('4 16', [1], 'concurrency')).toEqual([4, 16]);
    expect(positiveInts(undefined, [8, 32], 'concurrency')).toEqual([8, 32]);
    expect(() => positiveInts('8,0', [1], 'concurrency')).toThrow('--concurrency');
  });
});
