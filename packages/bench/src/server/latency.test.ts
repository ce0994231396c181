import { describe, expect, it } from 'vitest';
import { percentile, summarizeLatencies } from './latency.js';

describe('percentile (nearest rank)', () => {
  it('takes the smallest value that p % of the samples do not exceed', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
    expect(percentile([7], 1)).toBe(7);
  });

  it('lands on exact ranks despite float error (p99.9 of 1,000 is the 999th, not the max)', () => {
    const thousand = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentile(thousand, 99)).toBe(990);
    expect(percentile(thousand, 99.9)).toBe(999);
    const tenThousand = Float64Array.from({ length: 10_000 }, (_, i) => i + 1);
    expect(percentile(tenThousand, 99.9)).toBe(9990);
    const fiveThousand = Float64Array.from({ length: 5000 }, (_, i) => i + 1);
    expect(percentile(fiveThousand, 99.9)).toBe(4995);
  });

  it('rejects no values and p outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(/no values/);
    expect(() => percentile([1], 0)).toThrow(/p must be/);
    expect(() => percentile([1], 101)).toThrow(/p must be/);
    expect(() => percentile([1], Number.NaN)).toThrow(/p must be/);
  });
});

describe('summarizeLatencies', () => {
  it('sorts a copy and reports mean, percentiles and max', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
    expect(summarizeLatencies(samples)).toEqual({
      count: 100,
      mean: 50.5,
      p50: 50,
      p90: 90,
      p99: 99,
      p999: 100,
      max: 100,
    });
    expect(samples[0]).toBe(100);
  });

  it('sorts numerically, not as strings', () => {
    expect(summarizeLatencies([10, 9, 100]).p50).toBe(10);
  });
});
