import { describe, expect, it } from 'vitest';
import { summarize } from './stats.js';

describe('summarize', () => {
  it('takes the middle value of an odd count', () => {
    expect(summarize([5, 1, 4, 2, 3])).toEqual({ median: 3, min: 1, max: 5 });
  });

  it('averages the two middle values of an even count', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    summarize(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects an empty list', () => {
    expect(() => summarize([])).toThrow();
  });
});
