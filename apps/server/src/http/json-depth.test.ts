import { describe, expect, it } from 'vitest';
import { maxJsonDepth, tooDeep } from './json-depth.js';

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('tooDeep', () => {
  it('accepts scalars and values up to the limit', () => {
    expect(tooDeep(1)).toBeUndefined();
    expect(tooDeep(null)).toBeUndefined();
    expect(tooDeep({ a: [1, { b: 'c' }] }, 3)).toBeUndefined();
    expect(tooDeep(nested(maxJsonDepth))).toBeUndefined();
  });

  it('names the path of the first value beyond the limit', () => {
    expect(tooDeep({ a: [[1]] }, 2)).toEqual(['a', '0']);
    expect(tooDeep({ ok: 1, deep: { x: { y: {} } } }, 2)).toEqual(['deep', 'x']);
    expect(tooDeep(nested(maxJsonDepth + 1))).toHaveLength(maxJsonDepth);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(tooDeep(nested(100_000))).toHaveLength(maxJsonDepth);
  });
});
