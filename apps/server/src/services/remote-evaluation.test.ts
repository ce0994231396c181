import { describe, expect, it } from 'vitest';
import { canonicalJson } from './remote-evaluation.js';

describe('canonicalJson', () => {
  it('sorts members at every depth, so member order never changes a tag', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":null,"z":0}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('handles nesting deeper than the stack would allow recursion', () => {
    const depth = 200_000;
    const text = canonicalJson(JSON.parse(`${'[{"a":'.repeat(depth)}1${'}]'.repeat(depth)}`));
    expect(text.length).toBe(depth * 8 + 1);
  });

  it('writes what JSON.stringify writes for everything else', () => {
    for (const v of ['é"\\', 1.5, -0, true, null, [], {}, { '': [] }])
      expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
  });
});
