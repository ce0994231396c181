import fc from 'fast-check';
import murmurhash from 'murmurhash';
import { describe, expect, it } from 'vitest';
import { BUCKETS, bucket, murmur3 } from './bucketing.js';
import { createRuleset } from './default-ruleset.js';
import type { Flag } from './model.js';

const SEED = 20261128;
const utf8 = new TextEncoder();

/** The reference: an independent murmur3 over TextEncoder's UTF-8 bytes. */
function referenceBucket(input: string): number {
  const h = murmurhash.v3(utf8.encode(input) as unknown as string, 0) >>> 0;
  return Math.floor((h * BUCKETS) / 2 ** 32);
}

/** 100,000 distinct keys of mixed shapes: uuids, emails and small integers. */
function sampleKeys(count: number, seed: number): string[] {
  const shapes = fc.oneof(
    fc.uuid(),
    fc.emailAddress(),
    fc.nat({ max: 10_000_000 }).map(String),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  );
  const keys = new Set<string>();
  let s = seed;
  while (keys.size < count) for (const k of fc.sample(shapes, { seed: s++, numRuns: 10_000 })) keys.add(k);
  return [...keys].slice(0, count);
}

const KEYS = sampleKeys(100_000, SEED);

function rolloutFlag(key: string, salt: string, weights: number[], seed?: number): Flag {
  return {
    key,
    version: 1,
    type: 'number',
    on: true,
    variations: weights.map((_, i) => i),
    offVariation: 0,
    fallthrough: {
      rollout: {
        variations: weights.map((weight, variation) => ({ variation, weight })),
        ...(seed === undefined ? {} : { seed }),
      },
    },
    salt,
  };
}

/** Random weights over `slices` variations that sum to 100,000. */
const weightsArb = (slices: number) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: BUCKETS }), { minLength: slices - 1, maxLength: slices - 1 })
    .map((cuts) => {
      const sorted = [...cuts].sort((a, b) => a - b);
      const bounds = [...sorted, BUCKETS];
      return bounds.map((b, i) => b - (i === 0 ? 0 : bounds[i - 1]!));
    });

describe('murmur3 and the bucket formula', () => {
  it('matches the published vectors of MurmurHash3 x86_32 (seed 0)', () => {
    expect(murmur3('')).toBe(0);
    expect(murmur3('hello')).toBe(0x248bfa47);
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
  });

  it('sticky: equals an independent murmur3 over UTF-8 for any key, salt and flag', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string(),
        fc.string({ unit: 'binary' }),
        (flagKey, salt, value) => {
          const b = bucket(flagKey, salt, value);
          expect(b).toBe(bucket(flagKey, salt, value));
          expect(b).toBe(referenceBucket(`${flagKey}.${salt}.${value}`));
          expect(b).toBeGreaterThanOrEqual(0);
          expect(b).toBeLessThan(BUCKETS);
        },
      ),
      { seed: SEED, numRuns: 5_000 },
    );
  });

  it('with a seed, ignores the flag key and salt', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer(), fc.string(), (a, b, seed, value) => {
        expect(bucket(a, 'x', value, seed)).toBe(bucket(b, 'y', value, seed));
        expect(bucket(a, 'x', value, seed)).toBe(referenceBucket(`${seed}.${value}`));
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });
});

describe('rollout properties', () => {
  it('uniform: at 1, 5, 30, 50 and 99 % the observed share over 100,000 keys is within ±0.5 pp', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.string({ maxLength: 8 }),
        (flagKey, salt) => {
          const buckets = KEYS.map((k) => bucket(flagKey, salt, k));
          for (const percent of [1, 5, 30, 50, 99]) {
            const share = buckets.filter((b) => b < percent * 1000).length / KEYS.length;
            expect(Math.abs(share * 100 - percent)).toBeLessThanOrEqual(0.5);
          }
        },
      ),
      { seed: SEED, numRuns: 10 },
    );
  });

  it('monotonic: a key inside a rollout at p % stays inside at every p′ > p', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.integer({ min: 0, max: BUCKETS }),
        fc.integer({ min: 0, max: BUCKETS }),
        (key, salt, a, b) => {
          const [p, q] = a <= b ? [a, b] : [b, a];
          const at = (w: number) =>
            createRuleset({ flags: [rolloutFlag('canary', salt, [w, BUCKETS - w])] }).evaluate('canary', {
              key,
            }).value;
          if (at(p) === 0) expect(at(q)).toBe(0);
        },
      ),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it('minimal movement: only keys whose bucket lies between an old and a new boundary change variation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }).chain((n) => fc.tuple(weightsArb(n), weightsArb(n))),
        fc.array(fc.uuid(), { minLength: 50, maxLength: 50 }),
        ([before, after], keys) => {
          const rulesBefore = createRuleset({ flags: [rolloutFlag('split', 's', before)] });
          const rulesAfter = createRuleset({ flags: [rolloutFlag('split', 's', after)] });
          const cumBefore = before.map((_, i) => before.slice(0, i + 1).reduce((x, y) => x + y, 0));
          const cumAfter = after.map((_, i) => after.slice(0, i + 1).reduce((x, y) => x + y, 0));
          for (const key of keys) {
            const moved =
              rulesBefore.evaluate('split', { key }).value !== rulesAfter.evaluate('split', { key }).value;
            const b = bucket('split', 's', key);
            const between = cumBefore.some(
              (old, m) => Math.min(old, cumAfter[m]!) <= b && b < Math.max(old, cumAfter[m]!),
            );
            if (moved) expect(between).toBe(true);
          }
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  /** Chi-square statistic of a 10×10 table of two flags' bucket deciles. */
  function chiSquare(a: (k: string) => number, b: (k: string) => number): number {
    const table = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    for (const k of KEYS) table[Math.floor(a(k) / 10_000)]![Math.floor(b(k) / 10_000)]!++;
    const rows = table.map((r) => r.reduce((x, y) => x + y, 0));
    const cols = table[0]!.map((_, j) => table.reduce((x, r) => x + r[j]!, 0));
    let chi = 0;
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < 10; j++) {
        const expected = (rows[i]! * cols[j]!) / KEYS.length;
        chi += (table[i]![j]! - expected) ** 2 / expected;
      }
    }
    return chi;
  }
  // Wilson–Hilferty approximation of the chi-square quantile at α = 0.001 with 81 degrees of freedom.
  const dof = 81;
  const critical = dof * (1 - 2 / (9 * dof) + 3.0902 * Math.sqrt(2 / (9 * dof))) ** 3;

  it('independent: two flags with different keys or salts are uncorrelated (chi-square, α = 0.001)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.string(), (flagKey, saltA, saltB) => {
        fc.pre(saltA !== saltB);
        const chi = chiSquare(
          (k) => bucket(flagKey, saltA, k),
          (k) => bucket(flagKey, saltB, k),
        );
        expect(chi).toBeLessThan(critical);
      }),
      { seed: SEED, numRuns: 5 },
    );
  });

  it('the independence check detects correlated flags (a shared seed)', () => {
    const chi = chiSquare(
      (k) => bucket('a', 'x', k, 7),
      (k) => bucket('b', 'y', k, 7),
    );
    expect(chi).toBeGreaterThan(critical * 100);
  });
});
