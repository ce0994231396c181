import { describe, expect, it, vi } from 'vitest';
import * as keyHash from './client-key-hash.js';
import { createClientRules } from './index.js';

// Hashed key lists (docs/evaluation.md §9): the context key is hashed once per distinct key in a row.

const hashCalls = vi.hoisted(() => ({ count: 0 }));
vi.mock('./client-key-hash.js', async (importOriginal) => {
  const real = await importOriginal<typeof keyHash>();
  return {
    ...real,
    hashContextKey: (salt: string, key: string) => {
      hashCalls.count++;
      return real.hashContextKey(salt, key);
    },
  };
});

describe('hashed key lists', () => {
  const salt = 'prod-3qZ8';
  const flag = (key: string) => ({
    key,
    version: 1,
    type: 'boolean',
    on: true,
    variations: [false, true],
    offVariation: 0,
    targets: [{ variation: 1, values: ['nmxWp6durQxlFFPxe_hDcw'] }], // hash(salt, 'user-1')
    rules: [
      {
        id: 'r',
        clauses: [{ attribute: 'key', op: 'segmentMatch', values: ['s'] }],
        serve: { variation: 1 },
      },
    ],
    fallthrough: { variation: 0 },
  });
  const segment = { key: 's', version: 1, included: [keyHash.hashContextKey(salt, 'user-2')] };

  it('looks targets and segment lists up by the hash, and hashes each key once in a row', () => {
    const rules = createClientRules({
      flags: ['a', 'b', 'c'].map(flag),
      segments: [segment],
      keyHashing: { salt },
    });
    hashCalls.count = 0;
    for (const f of ['a', 'b', 'c']) {
      expect(rules.evaluate(f, { key: 'user-1' }).reason).toEqual({ kind: 'TARGET_MATCH' });
    }
    expect(hashCalls.count).toBe(1);
    for (const f of ['a', 'b', 'c']) {
      expect(rules.evaluate(f, { key: 'user-2' }).reason).toMatchObject({ kind: 'RULE_MATCH' });
    }
    expect(hashCalls.count).toBe(2);
    expect(rules.evaluate('a', { key: 'nmxWp6durQxlFFPxe_hDcw' }).reason).toMatchObject({
      kind: 'FALLTHROUGH',
    });
    expect(rules.evaluate('a', {}).reason).toMatchObject({ kind: 'FALLTHROUGH' });
    expect(hashCalls.count).toBe(3);
  });

  it('in plain mode compares keys as they are, and hashes nothing', () => {
    const rules = createClientRules({ flags: ['a'].map(flag), segments: [segment] });
    hashCalls.count = 0;
    expect(rules.evaluate('a', { key: 'nmxWp6durQxlFFPxe_hDcw' }).reason).toEqual({ kind: 'TARGET_MATCH' });
    expect(rules.evaluate('a', { key: 'user-1' }).reason).toMatchObject({ kind: 'FALLTHROUGH' });
    expect(hashCalls.count).toBe(0);
  });
});
