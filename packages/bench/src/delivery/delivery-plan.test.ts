import { describe, expect, it } from 'vitest';
import { deliveryPlan, shareOut } from './delivery-plan.js';

describe('deliveryPlan', () => {
  it('defaults to the targets: 10,000 clients, 10 changes, 20,000 streams, 3 runs of 10 s', () => {
    expect(deliveryPlan({}, false)).toEqual({
      parts: ['fanout', 'streams', 'rps'],
      flags: 20,
      clients: 10_000,
      changes: 10,
      streams: 20_000,
      workers: 4,
      serverWorkers: 1,
      rpsSeconds: 10,
      rpsRuns: 3,
      rpsConnections: 32,
      serverNodeOptions: [],
    });
  });

  it('scales down for --quick', () => {
    const quick = deliveryPlan({}, true);
    expect(quick.clients).toBeLessThan(10_000);
    expect(quick.streams).toBeLessThan(20_000);
    expect(quick.rpsRuns).toBe(1);
  });

  it('reads every option and picks parts in their fixed order', () => {
    const plan = deliveryPlan(
      {
        delivery: 'rps, fanout',
        'delivery-flags': '3',
        clients: '1_000',
        changes: '4',
        streams: '2,000',
        'client-workers': '8',
        'server-workers': '3',
        'rps-seconds': '5',
        'rps-runs': '2',
        'rps-connections': '16',
        'server-node-options': '--cpu-prof  --cpu-prof-dir=/tmp/p',
      },
      false,
    );
    expect(plan).toEqual({
      parts: ['fanout', 'rps'],
      flags: 3,
      clients: 1_000,
      changes: 4,
      streams: 2_000,
      workers: 8,
      serverWorkers: 3,
      rpsSeconds: 5,
      rpsRuns: 2,
      rpsConnections: 16,
      serverNodeOptions: ['--cpu-prof', '--cpu-prof-dir=/tmp/p'],
    });
  });

  it('rejects unknown parts, non-positive counts and more workers than connections', () => {
    expect(() => deliveryPlan({ delivery: 'sse' }, false)).toThrow(/unknown delivery part "sse"/);
    expect(() => deliveryPlan({ clients: '0' }, false)).toThrow(/--clients/);
    expect(() => deliveryPlan({ clients: '3', 'client-workers': '4' }, false)).toThrow(/--client-workers/);
  });
});

describe('shareOut', () => {
  it('splits as evenly as possible, the first taking the remainder', () => {
    expect(shareOut(10, 3)).toEqual([4, 3, 3]);
    expect(shareOut(10_000, 4)).toEqual([2_500, 2_500, 2_500, 2_500]);
    expect(shareOut(2, 4)).toEqual([1, 1, 0, 0]);
  });
});
