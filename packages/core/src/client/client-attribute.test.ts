import { describe, expect, it } from 'vitest';
import { attribute, isAttributeRef } from './client-attribute.js';

describe('attribute references (client)', () => {
  it('accepts names and JSON Pointers with ~0 and ~1 escapes only', () => {
    for (const ok of ['a', 'a~b', '/', '/a', '/a~0b~1c', '/0/1', '//'])
      expect(isAttributeRef(ok), ok).toBe(true);
    for (const bad of ['', '/a~', '/a~2', '/~x', 5, null, undefined])
      expect(isAttributeRef(bad), String(bad)).toBe(false);
  });

  it('resolves own members, pointer steps, array indexes', () => {
    const ctx = JSON.parse(
      '{"a": {"b/c": {"d~e": 1}}, "": 2, "arr": [10, [20]], "o": {"length": 3}, "__proto__": 4, "n": null}',
    );
    expect(attribute(ctx, '/a/b~1c/d~0e')).toBe(1);
    expect(attribute(ctx, '/')).toBe(2);
    expect(attribute(ctx, '/arr/0')).toBe(10);
    expect(attribute(ctx, '/arr/1/0')).toBe(20);
    expect(attribute(ctx, '/o/length')).toBe(3);
    expect(attribute(ctx, '__proto__')).toBe(4);
    expect(attribute(ctx, '/__proto__')).toBe(4);
    for (const missing of [
      '/arr/01',
      '/arr/length',
      '/arr/2',
      '/arr/-1',
      '/n/x',
      '/a/b',
      'constructor',
      '/constructor',
      'toString',
      '/a/toString',
      'zz',
    ]) {
      expect(attribute(ctx, missing), missing).toBeUndefined();
    }
  });

  it('reads inherited members only where Object.prototype has none of that name, like the compiled evaluator', () => {
    class User {
      get country() {
        return 'DE';
      }
    }
    const u = new User();
    expect(attribute(u, 'country')).toBe('DE');
    expect(attribute(u, 'constructor')).toBeUndefined();
    expect(attribute(u, '/country')).toBeUndefined();
  });
});
