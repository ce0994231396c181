import { createHash } from 'node:crypto';
import { loadKeyHashVectors } from '@ensign/conformance';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyText } from '../../test/key-hash-inputs.js';
import { hashContextKey as reference } from '../key-hash.js';
import { hashContextKey } from './client-key-hash.js';

const nodeHash = (salt: string, key: string) =>
  createHash('sha256').update(`${salt}:${key}`, 'utf8').digest().subarray(0, 16).toString('base64url');

describe('hashContextKey (client)', () => {
  it('reproduces every key-hash vector', () => {
    const vectors = loadKeyHashVectors();
    expect(vectors.length).toBeGreaterThan(10);
    for (const v of vectors) expect(hashContextKey(v.salt, v.key)).toBe(v.hash);
  });

  it('equals node:crypto and the core’s hashContextKey for any UTF-16 text, lone surrogates and several blocks included', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.oneof(anyText(60), anyText(1500)), (salt, key) => {
        const h = hashContextKey(salt, key);
        expect(h).toBe(nodeHash(salt, key));
        expect(h).toBe(reference(salt, key));
      }),
      { numRuns: 3_000, seed: 11 },
    );
  });

  it('pads exactly at the block boundaries (inputs of 0 to 200 bytes)', () => {
    for (let n = 0; n <= 200; n++)
      expect(hashContextKey('', 'x'.repeat(n))).toBe(nodeHash('', 'x'.repeat(n)));
  });
});
