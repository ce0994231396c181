import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printedKeys, serverMainJs, within } from './server-process.js';

describe('serverMainJs', () => {
  it("resolves @ensign/server's bin to its built main.js", () => {
    const main = serverMainJs();
    expect(main).toMatch(/apps[/\\]server[/\\]dist[/\\]main\.js$/);
    expect(existsSync(main), 'build @ensign/server first').toBe(true);
  });
});

describe('printedKeys', () => {
  it('reads the first-start banner by key name', () => {
    const secret = (c: string) => c.repeat(43);
    const stderr = [
      'Created API keys (shown once):',
      `  admin                        ens_adm_${secret('a')}`,
      `  production server SDK        ens_srv_${secret('B')}`,
      `  production client SDK        ens_cli_${secret('-')}`,
      '  not a key                    ens_adm_short',
    ].join('\n');
    const keys = printedKeys(stderr);
    expect([...keys.keys()]).toEqual(['admin', 'production server SDK', 'production client SDK']);
    expect(keys.get('admin')).toBe(`ens_adm_${secret('a')}`);
  });
});

describe('within', () => {
  it('passes a settled value through and times out a pending one', async () => {
    await expect(within(Promise.resolve(1), 1000, 'x')).resolves.toBe(1);
    await expect(within(new Promise(() => {}), 10, 'nothing')).rejects.toThrow(
      'timed out after 10 ms waiting for nothing',
    );
  });
});
