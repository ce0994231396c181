/**
 * 1,000 flags of the kind a product's environment accumulates, for the heap benchmark, in Ensign's
 * format and as the equivalent GrowthBook payload. Deterministic (no randomness), so every run and
 * every SDK holds the same configuration:
 *
 * - 60 % booleans: a rule "country in 3 codes" (every 4th: "in segment …") serving a 30 % rollout,
 *   fallthrough OFF;
 * - 30 % strings with 3 variations: 2 target lists of 5 user keys each, a rule on `plan`;
 * - 10 % plain booleans: on, serving one variation to everyone;
 * - 10 segments: 20 included user keys and a rule on `country` each.
 */
import type { Flag, Segment } from '@ensign/core';

const COUNTRIES = ['DE', 'FR', 'NL', 'US', 'GB', 'JP', 'BR', 'IN', 'PL', 'ES'] as const;
const PLANS = ['free', 'pro', 'enterprise'] as const;
const SEGMENT_COUNT = 10;

/** A deterministic user key shaped like a UUID (what applications use as keys). */
export function userKey(n: number): string {
  const hex = (n * 2654435761).toString(16).padStart(12, '0').slice(-12);
  return `5f0c2a9e-7d41-4b6a-9c3e-${hex}`;
}

const flagKey = (i: number) =>
  `team-${String(i % 17).padStart(2, '0')}-feature-${String(i).padStart(4, '0')}`;
const segmentKey = (s: number) => `segment-${String(s).padStart(2, '0')}`;
const countriesOf = (i: number) => [0, 1, 2].map((d) => COUNTRIES[(i + d * 3) % COUNTRIES.length]!);
const targetKeys = (i: number, list: number) => [0, 1, 2, 3, 4].map((k) => userKey(i * 10 + list * 5 + k));
const segmentMembers = (s: number) => Array.from({ length: 20 }, (_, k) => userKey(100_000 + s * 20 + k));

/**
 * `count` users of the population these flags target: user keys `userKey(0…)` (flag i's individual
 * targets are users 10 i to 10 i + 9) and, for the last fifth, the segments' members; countries and
 * plans cycling through every value. Evaluating every flag for them reaches every kind of result.
 */
export function realisticUsers(count = 1_000): Array<{ key: string; country: string; plan: string }> {
  const members = Math.floor(count / 5);
  return Array.from({ length: count }, (_, j) => ({
    key: j < count - members ? userKey(j) : userKey(100_000 + (j - (count - members))),
    country: COUNTRIES[j % COUNTRIES.length]!,
    plan: PLANS[j % PLANS.length]!,
  }));
}

/** What the i-th flag is (0 ≤ i < count): the mix described above. */
export function flagKind(i: number): 'rollout' | 'targeted-string' | 'simple' {
  const slot = i % 10;
  return slot < 6 ? 'rollout' : slot < 9 ? 'targeted-string' : 'simple';
}

/** The Ensign snapshot: `count` flags and 10 segments. */
export function ensignSnapshot(count = 1_000): { revision: number; flags: Flag[]; segments: Segment[] } {
  const segments: Segment[] = Array.from({ length: SEGMENT_COUNT }, (_, s) => ({
    key: segmentKey(s),
    version: 3,
    included: segmentMembers(s),
    rules: [{ id: 'r1', clauses: [{ attribute: 'country', op: 'in', values: [COUNTRIES[s]!] }] }],
  }));
  const flags: Flag[] = [];
  for (let i = 0; i < count; i++) {
    const key = flagKey(i);
    const kind = flagKind(i);
    if (kind === 'rollout') {
      const bySegment = i % 4 === 0;
      flags.push({
        key,
        version: 7,
        type: 'boolean',
        on: true,
        variations: [true, false],
        offVariation: 1,
        rules: [
          {
            id: 'rule-1',
            clauses: [
              bySegment
                ? { attribute: 'key', op: 'segmentMatch', values: [segmentKey(i % SEGMENT_COUNT)] }
                : { attribute: 'country', op: 'in', values: countriesOf(i) },
            ],
            serve: {
              rollout: {
                variations: [
                  { variation: 0, weight: 30_000 },
                  { variation: 1, weight: 70_000 },
                ],
              },
            },
          },
        ],
        fallthrough: { variation: 1 },
        salt: key,
      });
    } else if (kind === 'targeted-string') {
      flags.push({
        key,
        version: 4,
        type: 'string',
        on: true,
        variations: ['control', 'variant-a', 'variant-b'],
        offVariation: 0,
        targets: [
          { variation: 1, values: targetKeys(i, 0) },
          { variation: 2, values: targetKeys(i, 1) },
        ],
        rules: [
          {
            id: 'rule-1',
            clauses: [{ attribute: 'plan', op: 'in', values: [PLANS[i % 3]!] }],
            serve: { variation: 1 },
          },
        ],
        fallthrough: { variation: 0 },
      });
    } else {
      flags.push({
        key,
        version: 2,
        type: 'boolean',
        on: true,
        variations: [true, false],
        offVariation: 1,
        fallthrough: { variation: 0 },
      });
    }
  }
  return { revision: 1, flags, segments };
}

/**
 * The same configuration as a GrowthBook payload: rollouts as `coverage` rules hashed on `id`,
 * targets and segments as `$in` conditions on `id` (saved groups inlined).
 */
export function growthbookPayload(count = 1_000): { features: Record<string, unknown> } {
  const features: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const kind = flagKind(i);
    if (kind === 'rollout') {
      const s = i % SEGMENT_COUNT;
      const condition =
        i % 4 === 0
          ? { $or: [{ id: { $in: segmentMembers(s) } }, { country: { $in: [COUNTRIES[s]!] } }] }
          : { country: { $in: countriesOf(i) } };
      features[flagKey(i)] = {
        defaultValue: false,
        rules: [
          { id: 'rule-1', condition, force: true, coverage: 0.3, hashAttribute: 'id', seed: flagKey(i) },
        ],
      };
    } else if (kind === 'targeted-string') {
      features[flagKey(i)] = {
        defaultValue: 'control',
        rules: [
          { id: 'target-1', condition: { id: { $in: targetKeys(i, 0) } }, force: 'variant-a' },
          { id: 'target-2', condition: { id: { $in: targetKeys(i, 1) } }, force: 'variant-b' },
          { id: 'rule-1', condition: { plan: { $in: [PLANS[i % 3]!] } }, force: 'variant-a' },
        ],
      };
    } else {
      features[flagKey(i)] = { defaultValue: true };
    }
  }
  return { features };
}
