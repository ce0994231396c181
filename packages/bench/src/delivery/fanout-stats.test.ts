import { describe, expect, it } from 'vitest';
import { summarizeLatencies } from '../server/latency.js';
import { type ChangeTiming, deliveryLatencies, medianOverChanges } from './fanout-stats.js';

describe('deliveryLatencies', () => {
  it('subtracts the send time from each arrival', () => {
    expect(deliveryLatencies(100, [103.5, 101, 100.25])).toEqual([3.5, 1, 0.25]);
  });

  it('throws, naming the client, when one never received the event', () => {
    expect(() => deliveryLatencies(0, [1, Number.NaN])).toThrow(/client 1/);
  });
});

describe('medianOverChanges', () => {
  const change = (revision: number, samples: number[], commitMs = 2): ChangeTiming => ({
    revision,
    commitMs,
    delivery: summarizeLatencies(samples),
  });

  it('takes the median over changes of each per-change percentile, and the worst p99', () => {
    const changes = [change(2, [10, 20, 30], 1), change(3, [40, 50, 60], 3), change(4, [1, 2, 3], 2)];
    expect(medianOverChanges(changes)).toEqual({ p50: 20, p99: 30, max: 30, worstP99: 60, commitMs: 2 });
  });

  it('throws without changes', () => {
    expect(() => medianOverChanges([])).toThrow(/no changes/);
  });
});
