import { describe, expect, it } from 'vitest';
import { createBackoff } from './backoff.js';

describe('createBackoff', () => {
  it('doubles the cap up to the maximum, with a delay anywhere below it', () => {
    const top = createBackoff({ initialMs: 1_000, maxMs: 30_000, random: () => 0.999999 });
    expect(Array.from({ length: 7 }, () => top.next())).toEqual([
      999, 1_999, 3_999, 7_999, 15_999, 29_999, 29_999,
    ]);
    const bottom = createBackoff({ random: () => 0 });
    expect(bottom.next()).toBe(0);
  });

  it('starts over after a connection that stayed healthy long enough, not after a short one', () => {
    const b = createBackoff({ initialMs: 100, resetAfterMs: 60_000, random: () => 0.5 });
    b.next();
    b.next();
    b.connected(0);
    b.disconnected(59_999);
    expect(b.next()).toBe(200); // third attempt: half of its cap, 400
    b.connected(100_000);
    b.disconnected(160_000);
    expect(b.next()).toBe(50); // first attempt again: cap 100
  });

  it('spreads a thousand clients over the whole window', () => {
    const delays = Array.from({ length: 1_000 }, () => createBackoff({ initialMs: 1_000 }).next());
    const buckets = [0, 0, 0, 0];
    for (const d of delays) buckets[Math.floor(d / 250)]!++;
    for (const count of buckets) expect(count).toBeGreaterThan(150);
  });
});
