import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashContextKey } from './key-hash.js';

/** Any UTF-16 code unit sequence: ASCII, BMP, astral characters and lone surrogates. */
const anyText = (maxLength: number, minLength = 0) =>
  fc.string({
    minLength,
    maxLength,
    unit: fc.oneof(
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    ),
  });

/** docs/evaluation.md §9, with node:crypto. */
const reference = (salt: string, key: string): string =>
  createHash('sha256').update(`${salt}:${key}`, 'utf8').digest().subarray(0, 16).toString('base64url');

describe('hashContextKey', () => {
  it('is base64url of the first 16 bytes of SHA-256(salt ":" key), 22 characters', () => {
    expect(hashContextKey('prod-3qZ8', 'user-1')).toBe('nmxWp6durQxlFFPxe_hDcw');
    expect(hashContextKey('', '')).toBe('56wHhmaOD_DwK2K9BPRf9g');
    // Decoded, the hash is the first 16 bytes of SHA-256(":"), e7ac0786…:
    const digest = createHash('sha256').update(':').digest('hex').slice(0, 32);
    expect(Buffer.from(hashContextKey('', ''), 'base64url').toString('hex')).toBe(digest);
  });

  it('agrees with node:crypto on random salts and keys: full unicode, lone surrogates, empty', () => {
    fc.assert(
      fc.property(anyText(12), anyText(60), (salt, key) => {
        const h = hashContextKey(salt, key);
        return h === reference(salt, key) && /^[A-Za-z0-9_-]{22}$/.test(h);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with node:crypto on keys longer than a block and than 1,000 characters', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8 }),
        fc.oneof(fc.string({ unit: 'binary', minLength: 64, maxLength: 300 }), anyText(2000, 1001)),
        (salt, key) => hashContextKey(salt, key) === reference(salt, key),
      ),
      { numRuns: 150 },
    );
  });

  it('hashes a lone surrogate like U+FFFD, and does not normalise', () => {
    expect(hashContextKey('s', 'a\ud800')).toBe(hashContextKey('s', 'a\ufffd'));
    expect(hashContextKey('s', '\u00e9')).not.toBe(hashContextKey('s', 'e\u0301'));
  });
});
