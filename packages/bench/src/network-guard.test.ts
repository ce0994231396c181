import dns from 'node:dns';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { installNetworkGuard } from './network-guard.js';

describe('installNetworkGuard', () => {
  it('blocks and records connections, DNS look-ups and fetch', async () => {
    const guard = installNetworkGuard();
    expect(() => net.connect({ host: '192.0.2.1', port: 443 })).toThrow(/offline guard/);
    await expect(fetch('https://example.invalid/flags')).rejects.toThrow(/offline guard/);
    await expect(dns.promises.lookup('example.invalid')).rejects.toThrow(/offline guard/);
    expect(guard.attempts).toEqual([
      'connect 192.0.2.1:443',
      'fetch https://example.invalid/flags',
      'dns example.invalid',
    ]);
    expect(installNetworkGuard()).toBe(guard);
  });
});
