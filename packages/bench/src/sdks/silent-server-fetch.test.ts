import { describe, expect, it } from 'vitest';
import { silentServer } from './silent-server-fetch.js';

const base = 'http://ensign.invalid';

describe('silentServer', () => {
  it('keeps the stream request pending until it is aborted', async () => {
    const server = silentServer();
    const controller = new AbortController();
    const response = server.fetch(`${base}/sdk/v1/stream`, { signal: controller.signal });
    let settled = false;
    response.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    controller.abort();
    await expect(response).rejects.toThrow();
  });

  it('accepts telemetry reports and sums the evaluations they count', async () => {
    const server = silentServer();
    const body = JSON.stringify({ revision: 1, flags: { a: { '0': 3, default: 1 }, b: { '1': 2 } } });
    const res = await server.fetch(`${base}/sdk/v1/telemetry`, { method: 'POST', body });
    expect(res.status).toBe(202);
    expect(server.reports).toHaveLength(1);
    expect(server.countedEvaluations()).toBe(6);
  });

  it('answers polls with 304 and anything else with 404', async () => {
    const server = silentServer();
    expect((await server.fetch(`${base}/sdk/v1/flags`)).status).toBe(304);
    expect((await server.fetch(`${base}/elsewhere`)).status).toBe(404);
  });
});
