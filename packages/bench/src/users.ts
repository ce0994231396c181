/**
 * The benchmark's users: 10,000 deterministic contexts, the same in every process and on every
 * machine, so each SDK and each run sees exactly the same inputs.
 */

/** The 10 country codes, drawn uniformly. The first three are scenario A's target countries. */
export const COUNTRIES = ['DE', 'FR', 'NL', 'US', 'GB', 'ES', 'IT', 'PL', 'SE', 'JP'] as const;

/** The 3 plans, drawn uniformly. */
export const PLANS = ['free', 'pro', 'enterprise'] as const;

export type Country = (typeof COUNTRIES)[number];
export type Plan = (typeof PLANS)[number];

/** One benchmark user, in neutral form; each SDK adapter converts it to its own context type. */
export interface BenchUser {
  /** Opaque identifier formatted like a version-4 UUID. */
  readonly key: string;
  readonly country: Country;
  readonly plan: Plan;
}

/** How many users every scenario cycles through. */
export const USER_COUNT = 10_000;

/** The default seed; changing it changes every key (and therefore which users fall in rollouts). */
export const DEFAULT_SEED = 0x5eed_e115;

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. Returns uint32 values. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** Formats 128 random bits as a version-4, variant-1 UUID string. */
function uuidFrom(next: () => number): string {
  const a = hex8(next());
  const b = hex8(((next() & 0xffff0fff) | 0x00004000) >>> 0);
  const c = hex8(((next() & 0x3fffffff) | 0x80000000) >>> 0);
  const d = hex8(next());
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

/**
 * Generates `count` users from `seed`. Pure: equal arguments give equal users.
 *
 * @example
 * const users = makeUsers(); // 10,000 users, DEFAULT_SEED
 * users[0]; // { key: '…-…-4…-…-…', country: 'PL', plan: 'pro' }
 */
export function makeUsers(count: number = USER_COUNT, seed: number = DEFAULT_SEED): BenchUser[] {
  const next = mulberry32(seed);
  const users: BenchUser[] = [];
  for (let i = 0; i < count; i++) {
    const key = uuidFrom(next);
    // Index by the high bits of a fresh draw; 2^32 is not a multiple of 10 but the bias is < 1e-8.
    const country = COUNTRIES[Math.floor((next() / 2 ** 32) * COUNTRIES.length)]!;
    const plan = PLANS[Math.floor((next() / 2 ** 32) * PLANS.length)]!;
    users.push({ key, country, plan });
  }
  return users;
}
