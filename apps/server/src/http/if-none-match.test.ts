import { describe, expect, it } from 'vitest';
import { ifNoneMatches } from './if-none-match.js';

describe('ifNoneMatches', () => {
  it('matches the tag, weakly, in a list, or *', () => {
    expect(ifNoneMatches('"7-a"', '"7-a"')).toBe(true);
    expect(ifNoneMatches('W/"7-a"', '"7-a"')).toBe(true);
    expect(ifNoneMatches('"6-a" , W/"7-a"', '"7-a"')).toBe(true);
    expect(ifNoneMatches(' * ', '"7-a"')).toBe(true);
  });

  it('does not match another tag, an unquoted one, or nothing', () => {
    expect(ifNoneMatches('"7-b"', '"7-a"')).toBe(false);
    expect(ifNoneMatches('7-a', '"7-a"')).toBe(false);
    expect(ifNoneMatches('', '"7-a"')).toBe(false);
    expect(ifNoneMatches(undefined, '"7-a"')).toBe(false);
  });
});
