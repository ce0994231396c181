import { describe, expect, it } from 'vitest';
import type { BenchUser } from './users.js';
import { describeTally, problemsOf, tally } from './verification.js';

const user = (country: BenchUser['country'], i: number): BenchUser => ({
  key: `k${i}`,
  country,
  plan: 'pro',
});

/** 100 DE users of whom `on` are ON, and 100 US users of whom `usOn` are ON. */
function scenarioA(on: number, usOn = 0) {
  const users = [
    ...Array.from({ length: 100 }, (_, i) => user('DE', i)),
    ...Array.from({ length: 100 }, (_, i) => user('US', i)),
  ];
  const values = users.map((u, i) => (u.country === 'DE' ? i < on : i - 100 < usOn));
  return tally('a', users, values);
}

describe('verification', () => {
  it('accepts scenario A with 30 % of the targeted users ON and nobody else', () => {
    const t = scenarioA(30);
    expect(t).toEqual({ users: 200, on: 30, targeted: 100, targetedOn: 30, untargetedOn: 0 });
    expect(problemsOf('a', t)).toEqual([]);
    expect(describeTally('a', t)).toBe('30.0 % of DE/FR/NL · 15.0 % overall');
  });

  it('rejects scenario A outside 28–32 %', () => {
    expect(problemsOf('a', scenarioA(27))).toHaveLength(1);
    expect(problemsOf('a', scenarioA(33))).toHaveLength(1);
    expect(problemsOf('a', scenarioA(50))[0]).toMatch(/50\.0 % of DE\/FR\/NL users/);
  });

  it('rejects scenario A serving ON outside the countries', () => {
    expect(problemsOf('a', scenarioA(30, 1))).toEqual([
      'scenario A served ON to 1 users outside DE/FR/NL, expected none',
    ]);
  });

  it('requires scenario B to serve ON to everyone', () => {
    const users = [user('DE', 0), user('US', 1)];
    expect(problemsOf('b', tally('b', users, [true, true]))).toEqual([]);
    expect(problemsOf('b', tally('b', users, [true, false]))).toHaveLength(1);
    // Only the boolean true counts as ON.
    expect(problemsOf('b', tally('b', users, [true, 'true']))).toHaveLength(1);
  });
});
