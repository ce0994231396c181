import { describe, expect, it } from 'vitest';
import { COUNTRIES, makeUsers, PLANS, USER_COUNT } from './users.js';

describe('makeUsers', () => {
  it('is deterministic: equal seeds give equal users', () => {
    expect(makeUsers()).toEqual(makeUsers());
    expect(makeUsers(50, 7)).toEqual(makeUsers(50, 7));
  });

  it('pins the first user, so a change to the generator (and so to every result) is noticed', () => {
    expect(makeUsers(1)[0]).toMatchInlineSnapshot(`
      {
        "country": "SE",
        "key": "b408652c-e4aa-48e8-bd64-09c15ca1040d",
        "plan": "enterprise",
      }
    `);
  });

  it('gives different users for a different seed', () => {
    expect(makeUsers(10, 1).map((u) => u.key)).not.toEqual(makeUsers(10, 2).map((u) => u.key));
  });

  it('makes 10,000 unique keys formatted like version-4 UUIDs', () => {
    const users = makeUsers();
    expect(users).toHaveLength(USER_COUNT);
    expect(new Set(users.map((u) => u.key)).size).toBe(USER_COUNT);
    for (const u of users)
      expect(u.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('draws country over 10 codes and plan over 3, roughly uniformly', () => {
    const users = makeUsers();
    for (const c of COUNTRIES) {
      const share = users.filter((u) => u.country === c).length / users.length;
      expect(share).toBeGreaterThan(0.085);
      expect(share).toBeLessThan(0.115);
    }
    for (const p of PLANS) {
      const share = users.filter((u) => u.plan === p).length / users.length;
      expect(share).toBeGreaterThan(0.31);
      expect(share).toBeLessThan(0.36);
    }
  });
});
