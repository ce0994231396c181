/** A TCP port on 127.0.0.1 that nothing listens on right now. */
import { createServer } from 'node:net';

/**
 * Binds port 0 on 127.0.0.1, reads the port the kernel chose and closes it again. Another process
 * could take it before the caller binds it; the caller then fails loudly (the server exits with
 * "cannot listen"), which on a quiet machine does not happen.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port from the probe listener'));
      });
    });
  });
}
