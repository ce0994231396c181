import { describe, expect, it } from 'vitest';
import { parseProcStatCpuMs, processCpuMs } from './process-cpu.js';

describe('parseProcStatCpuMs', () => {
  it('adds utime and stime (fields 14 and 15, in 1/100 s)', () => {
    const stat =
      '623 (node) R 621 621 26452 0 -1 4194304 96 0 0 0 250 37 0 0 20 0 1 0 1644622 3133440 383 18446744073709551615';
    expect(parseProcStatCpuMs(stat)).toBe(2870);
  });

  it('counts fields after the last parenthesis, whatever the command name holds', () => {
    const stat = '7 (a) b (c) d) S 1 1 1 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 1 1 1 1';
    expect(parseProcStatCpuMs(stat)).toBe(70);
  });

  it('throws on a line it cannot read', () => {
    expect(() => parseProcStatCpuMs('garbage')).toThrow(/unreadable/);
  });
});

describe.runIf(process.platform === 'linux')('processCpuMs', () => {
  it('reads this process, and nothing for a pid that does not exist', () => {
    expect(processCpuMs(process.pid)).toBeGreaterThanOrEqual(0);
    expect(processCpuMs(2 ** 30)).toBeUndefined();
  });
});
