import type { SnapshotPayload } from './types.js';

/**
 * For server-side rendering (runs in Node too): fetches the client payload (`GET /sdk/v1/flags`
 * with the client key) to pass as `bootstrap` to the page, which then evaluates from its first
 * render. Rejects when the server does not answer 200.
 *
 * @example
 * const bootstrap = await fetchBootstrap({ clientKey: process.env.ENSIGN_CLIENT_KEY, baseUrl });
 * html += `<script>window.__ENSIGN__ = ${JSON.stringify(bootstrap).replace(/</g, '\\u003c')}</script>`;
 */
export async function fetchBootstrap(options: {
  clientKey: string;
  baseUrl: string;
  fetch?: typeof fetch;
}): Promise<SnapshotPayload> {
  const get = options.fetch ?? fetch;
  const res = await get(`${options.baseUrl.replace(/\/+$/, '')}/sdk/v1/flags`, {
    headers: { Authorization: `Bearer ${options.clientKey}` },
  });
  if (res.status !== 200) throw Error(`ensign: GET /sdk/v1/flags answered ${res.status}`);
  return (await res.json()) as SnapshotPayload;
}
