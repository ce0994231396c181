import { describe, expect, it } from 'vitest';
import { serverPlan, writerFlagCount } from './server-plan.js';

describe('serverPlan', () => {
  it('defaults to the full run: 1,000 flags, 10 starts, 5,000 writes, 8 and 32 in flight', () => {
    expect(serverPlan({}, false)).toEqual({
      flags: 1000,
      starts: 10,
      warmupWrites: 1000,
      writes: 5000,
      concurrency: [8, 32],
      concurrentWrites: 20_000,
      phaseSeconds: 10,
      serverNodeOptions: [],
    });
  });

  it('scales counts down for --quick but keeps the 1,000 flags the start-up target is about', () => {
    const quick = serverPlan({}, true);
    expect(quick.flags).toBe(1000);
    expect(quick.writes).toBeLessThan(5000);
    expect(quick.starts).toBeLessThan(10);
    expect(quick.phaseSeconds).toBeLessThan(10);
  });

  it('reads every option, splitting the server node options on spaces', () => {
    const plan = serverPlan(
      {
        flags: '200',
        starts: '2',
        'warmup-writes': '10',
        writes: '1_000',
        concurrency: '4',
        'concurrent-writes': '300',
        'phase-seconds': '2',
        'server-node-options': ' --cpu-prof  --cpu-prof-dir=/tmp/p ',
      },
      false,
    );
    expect(plan).toEqual({
      flags: 200,
      starts: 2,
      warmupWrites: 10,
      writes: 1000,
      concurrency: [4],
      concurrentWrites: 300,
      phaseSeconds: 2,
      serverNodeOptions: ['--cpu-prof', '--cpu-prof-dir=/tmp/p'],
    });
  });

  it('refuses more lanes than flags to write, so that no two writes in flight share a flag', () => {
    expect(() => serverPlan({ flags: '16', concurrency: '8,32' }, false)).toThrow(/--concurrency 32 needs/);
    expect(() => serverPlan({ concurrency: '65' }, false)).toThrow(/up to 64/);
  });
});

describe('writerFlagCount', () => {
  it('writes up to 64 of the flags', () => {
    expect(writerFlagCount({ flags: 1000 })).toBe(64);
    expect(writerFlagCount({ flags: 40 })).toBe(40);
  });
});
