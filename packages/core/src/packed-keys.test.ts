import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packedHas, packKeys, unpackKeys } from './packed-keys.js';

describe('packed keys', () => {
  it('answer membership exactly like a Set, and unpack to the keys given', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.uuid(),
      fc.string({ unit: 'binary', maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 16 }), fc.array(key, { maxLength: 10 }), (keys, probes) => {
        const packed = packKeys(keys)!;
        expect(unpackKeys(packed)).toEqual(keys);
        const set = new Set(keys);
        for (const k of [...keys, ...probes]) expect(packedHas(packed, k)).toBe(set.has(k));
      }),
      { numRuns: 300 },
    );
  });

  it('tell apart keys that differ only in the last character, an empty key, and prefixes', () => {
    const packed = packKeys(['user-10', '', 'user-1'])!;
    expect(packedHas(packed, 'user-1')).toBe(true);
    expect(packedHas(packed, 'user-11')).toBe(false);
    expect(packedHas(packed, 'user-')).toBe(false);
    expect(packedHas(packed, '')).toBe(true);
    expect(packedHas(packKeys(['a'])!, '')).toBe(false);
  });

  it('handle keys up to 65,535 characters and refuse longer ones', () => {
    const long = 'k'.repeat(0xffff);
    expect(unpackKeys(packKeys([long, 'x'])!)).toEqual([long, 'x']);
    expect(packedHas(packKeys([long])!, long)).toBe(true);
    expect(packKeys(['x', `${long}k`])).toBeUndefined();
  });
});
