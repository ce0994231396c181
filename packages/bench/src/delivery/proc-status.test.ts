import { describe, expect, it } from 'vitest';
import { parseOpenFilesLimit, parseVmRssBytes, residentBytes } from './proc-status.js';

describe('parseVmRssBytes', () => {
  it('reads VmRSS in kB as bytes', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmRSS:\t  123456 kB\nRssAnon:\t 1 kB\n';
    expect(parseVmRssBytes(status)).toBe(123_456 * 1024);
  });

  it('throws without a VmRSS line (a kernel thread, or not Linux)', () => {
    expect(() => parseVmRssBytes('Name:\tkthreadd\n')).toThrow(/VmRSS/);
  });

  it("reads this process's own status on Linux", () => {
    if (process.platform !== 'linux') return;
    expect(residentBytes(process.pid)).toBeGreaterThan(10 * 1024 * 1024);
  });
});

describe('parseOpenFilesLimit', () => {
  it('reads the soft limit, or undefined when unlimited', () => {
    const limits =
      'Limit                     Soft Limit           Hard Limit           Units     \n' +
      'Max open files            20000                20000                files     \n';
    expect(parseOpenFilesLimit(limits)).toBe(20_000);
    expect(parseOpenFilesLimit(limits.replace('20000 ', 'unlimited'))).toBeUndefined();
  });
});
