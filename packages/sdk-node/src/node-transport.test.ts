import { afterEach, describe, expect, it, vi } from 'vitest';
import { boolFlag, type FakeServer, startFakeServer } from '../test/fake-sse-server.js';
import { createClient, type EnsignClient } from './client.js';

// `eventsource` is loaded with the first stream, not with the SDK: observe when the module loads
// (the real module is used).
const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock('eventsource', async (importOriginal) => {
  loads.count++;
  return importOriginal();
});

const open: Array<EnsignClient | FakeServer> = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.close();
});

describe('the Node transport', () => {
  it('loads eventsource only when a client opens a stream, then streams through it', async () => {
    const offline = createClient({ offline: true, bootstrap: { revision: 1, flags: [], segments: [] } });
    open.push(offline);
    const server = await startFakeServer({
      stream: (r) => {
        r.open();
        r.snapshot(3, [boolFlag('f', 1, true)]);
      },
      poll: (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', ETag: '"r3"' });
        res.end(JSON.stringify({ revision: 3, flags: [boolFlag('f', 1, true)], segments: [] }));
      },
    });
    open.push(server);
    const base = { sdkKey: 'ens_srv_test', baseUrl: server.url, telemetry: false } as const;
    const polling = createClient({ ...base, streaming: false });
    open.push(polling);
    await polling.ready({ timeoutMs: 5_000 });
    expect(polling.boolVariation('f', { key: 'u' }, false)).toBe(true);
    expect(loads.count).toBe(0);

    const streaming = createClient(base);
    open.push(streaming);
    await streaming.ready({ timeoutMs: 5_000 });
    expect(streaming.revision).toBe(3);
    expect(server.streamRequests).toHaveLength(1);
    expect(loads.count).toBe(1);
  });
});
