import { describe, expect, it } from 'vitest';
import { reconnectSpread } from './reconnect-spread.js';

describe('reconnectSpread', () => {
  it('bins delays, with the last bin holding the maximum', () => {
    const s = reconnectSpread([10, 300, 320, 760], 250);
    expect(s.bins).toEqual([1, 2, 0, 1]);
    expect(s.count).toBe(4);
    expect(s.maxMs).toBe(760);
  });

  it('takes nearest-rank percentiles', () => {
    const delays = Array.from({ length: 100 }, (_, i) => i + 1);
    const s = reconnectSpread(delays);
    expect(s.p50Ms).toBe(50);
    expect(s.p99Ms).toBe(99);
  });

  it('finds the busiest 1-second window, wherever it starts', () => {
    const s = reconnectSpread([0, 900, 1_100, 1_200, 1_300, 2_500]);
    expect(s.peakPerSecond).toBe(4);
    expect(s.peakStartMs).toBe(900);
  });

  it('counts reconnects before the reference time as 0 ms', () => {
    expect(reconnectSpread([-5, 5]).bins).toEqual([2]);
  });

  it('throws on no delays', () => {
    expect(() => reconnectSpread([])).toThrow();
  });
});
