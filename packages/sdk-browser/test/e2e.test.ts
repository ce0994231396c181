/**
 * End to end in real Chromium (Debian's, driven by playwright-core): a page served by a loopback
 * `node:http` server loads the SDK — bundled with esbuild as an ES module, through
 * `<script type="module">` — from another origin than the real Ensign server it talks to (so CORS,
 * `?key=`, native EventSource and sendBeacon are all the browser's own). The page shows two flags
 * and the client status. Steps, each with a screenshot in artifacts/:
 *   1. a flag flips through the admin API → the page shows it within 1 s;
 *   2. identify switches the user → the value changes with no network request;
 *   3. the server stops → the page keeps its values and shows `stale`;
 *   4. reload with the server down → the cached values are in the DOM at the first frame;
 *   5. the server returns on the same port and database → updates resume;
 *   6. hidden → the stream closes; visible → it reopens and replays the change made meanwhile.
 *      Headless Chromium does not change visibility (bringing another tab to front, minimizing the
 *      window: the page stays `visible`), so the signal is synthesized — `document.hidden`
 *      overridden and a real `visibilitychange` dispatched — while everything it drives (the native
 *      EventSource closing, reopening with lastEventId, the server's replay, the beacon) is real.
 *      The pause logic is also covered with a fake document in src/connection.test.ts.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AdminClient, adminClient, type EnsignServer, startEnsignServer } from '@ensign/test-server';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientFlag, project, setFallthrough } from './flags-api.js';

const env = 'production';
const artifacts = new URL('../artifacts/', import.meta.url).pathname;
let server: EnsignServer;
let admin: AdminClient;
let pages: Server;
let pageUrl: string;
let browser: Browser;
let page: Page;
/** Every request the page made, with the time it was made and its content type. */
const requests: Array<{ url: string; at: number; type?: string | undefined }> = [];
/** Every response, with its status. */
const responses: Array<{ url: string; at: number; status: number }> = [];
const telemetrySince = (since: number) =>
  requests.filter((r) => r.at >= since && r.url.includes('/sdk/v1/telemetry?key='));

/** The page: an early inline script records the DOM in the first animation frame; the module renders. */
function html(baseUrl: string, clientKey: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Ensign e2e</title>
<script>
  window.firstFrame = null;
  requestAnimationFrame(() => { window.firstFrame = document.body ? document.body.innerText : '(no body yet)'; });
</script>
<script type="module" blocking="render">
  import { createClient } from '/ensign.js';
  // The native EventSource, observed: which streams the SDK opened and whether they are closed.
  window.streams = [];
  class Observed extends EventSource {
    constructor(url) { super(url); window.streams.push(this); }
  }
  const client = createClient({
    clientKey: ${JSON.stringify(clientKey)}, baseUrl: ${JSON.stringify(baseUrl)},
    context: { key: 'visitor-1' }, EventSource: Observed,
    staleAfterMs: 500, pollIntervalMs: 300, hiddenGraceMs: 200, telemetry: { intervalMs: 60000 },
  });
  const render = () => {
    document.getElementById('banner').textContent = 'banner: ' + client.boolVariation('banner', false);
    document.getElementById('vip').textContent = 'vip: ' + client.boolVariation('vip', false);
    document.getElementById('status').textContent = 'status: ' + client.status;
  };
  render();
  client.on('change', render);
  client.on('status', render);
  window.ensign = client;
</script></head>
<body><p id="banner">banner: ?</p><p id="vip">vip: ?</p><p id="status">status: ?</p></body></html>`;
}

const text = (id: string) => page.locator(`#${id}`).textContent();
const shot = (name: string) => page.screenshot({ path: `${artifacts}${name}.png` });
const openStreams = () =>
  page.evaluate(() =>
    (window as unknown as { streams: EventSource[] }).streams
      .filter((s) => s.readyState !== 2)
      .map((s) => s.url),
  );

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startEnsignServer();
  admin = adminClient(server.url, server.keys.get('admin')!);
  await createClientFlag(admin, env, 'banner');
  await createClientFlag(admin, env, 'vip', ['user-vip']);
  const bundle = await build({
    entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
  });
  const page$ = html(server.url, server.keys.get(`${env} client SDK`)!);
  pages = createServer((req, res) => {
    if (req.url === '/ensign.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle.outputFiles[0]!.contents);
    } else res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' }).end(page$);
  });
  await new Promise<void>((ready) => pages.listen(0, '127.0.0.1', ready));
  pageUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await (await browser.newContext({ viewport: { width: 480, height: 200 } })).newPage();
  page.on('request', (r) =>
    requests.push({ url: r.url(), at: Date.now(), type: r.headers()['content-type'] }),
  );
  page.on('response', (r) => responses.push({ url: r.url(), at: Date.now(), status: r.status() }));
  page.on('pageerror', (e) => requests.push({ url: `pageerror: ${e.message}`, at: Date.now() }));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((closed) => pages?.close(closed));
  await server?.stop({ removeData: true });
});

describe('@ensign/browser in Chromium', () => {
  it('1. shows a flag flipped through the admin API within 1 s', async () => {
    await page.goto(pageUrl);
    await page.waitForFunction(() => document.getElementById('status')!.textContent === 'status: ready');
    expect(await text('banner')).toBe('banner: false');
    expect(await openStreams()).toHaveLength(1);
    const flipped = Date.now();
    await setFallthrough(admin, env, 'banner', true);
    await page.waitForFunction(
      () => document.getElementById('banner')!.textContent === 'banner: true',
      null,
      {
        timeout: 1_000,
      },
    );
    expect(Date.now() - flipped).toBeLessThan(1_000);
    await shot('1-flag-flipped');
    // The new revision is reported about a second later (a beacon): let it go before step 2 watches.
    await expect.poll(() => telemetrySince(flipped).length, { timeout: 3_000 }).toBeGreaterThan(0);
  });

  it('2. identify switches the user and the value changes with no network request', async () => {
    expect(await text('vip')).toBe('vip: false');
    const before = requests.length;
    await page.evaluate(() =>
      (window as unknown as { ensign: { identify(c: object): void } }).ensign.identify({ key: 'user-vip' }),
    );
    expect(await text('vip')).toBe('vip: true'); // rendered synchronously by the change event
    await page.waitForTimeout(200);
    expect(requests.slice(before)).toEqual([]);
    await shot('2-identified');
  });

  it('3. keeps its values when the server stops, and shows stale', async () => {
    await server.stop({ signal: 'SIGKILL' });
    await page.waitForFunction(
      () => document.getElementById('status')!.textContent === 'status: stale',
      null,
      {
        timeout: 5_000,
      },
    );
    expect(await text('banner')).toBe('banner: true');
    expect(await text('vip')).toBe('vip: true');
    await shot('3-server-down-stale');
  });

  it('4. reloaded with the server down, has the cached values in the DOM at the first frame', async () => {
    await page.reload();
    const first = await (
      await page.waitForFunction(() => (window as unknown as { firstFrame: string | null }).firstFrame)
    ).jsonValue();
    // The context is the page's own again (visitor-1): the cached flags evaluated for it.
    expect(first).toContain('banner: true');
    expect(first).toContain('vip: false');
    expect(first).toContain('status: ready');
    await page.waitForFunction(
      () => document.getElementById('status')!.textContent === 'status: stale',
      null,
      {
        timeout: 5_000,
      },
    );
    expect(await text('banner')).toBe('banner: true');
    await shot('4-reloaded-from-cache');
  });

  it('5. resumes updates when the server returns on the same port and database', async () => {
    server = await startEnsignServer({ port: server.port, dbPath: server.dbPath, keys: server.keys });
    admin = adminClient(server.url, server.keys.get('admin')!);
    await page.waitForFunction(
      () => document.getElementById('status')!.textContent === 'status: ready',
      null,
      {
        timeout: 5_000,
      },
    );
    await page.waitForFunction(
      () => (window as unknown as { streams: EventSource[] }).streams.some((s) => s.readyState === 1),
      null,
      {
        timeout: 5_000,
      },
    );
    await setFallthrough(admin, env, 'banner', false);
    await page.waitForFunction(
      () => document.getElementById('banner')!.textContent === 'banner: false',
      null,
      {
        timeout: 1_000,
      },
    );
    expect(await openStreams()).toHaveLength(1);
    await shot('5-server-back');
  });

  it('6. closes the stream while hidden, and replays the change made meanwhile when visible', async () => {
    const setHidden = (hidden: boolean) =>
      page.evaluate((h) => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
        Object.defineProperty(document, 'visibilityState', {
          configurable: true,
          get: () => (h ? 'hidden' : 'visible'),
        });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    const since = Date.now();
    await setHidden(true);
    await page.waitForFunction(
      () => (window as unknown as { streams: EventSource[] }).streams.every((s) => s.readyState === 2),
      null,
      {
        timeout: 2_000,
      },
    );
    // Hiding sent the telemetry report as a beacon: a string body (text/plain, so no preflight) with
    // the key in ?key=, which the server accepted.
    const [beacon] = telemetrySince(since);
    expect(beacon?.type).toMatch(/^text\/plain/);
    await expect
      .poll(() => responses.find((r) => r.url === beacon!.url && r.at >= since)?.status, { timeout: 5_000 })
      .toBe(202);
    const usage = await admin('GET', `${project}/environments/${env}/usage?flag=vip`);
    expect(usage.body.flags[0].total).toBeGreaterThan(0);

    await setFallthrough(admin, env, 'banner', true);
    await page.waitForTimeout(300);
    expect(await text('banner')).toBe('banner: false'); // paused: not seen yet
    expect(await openStreams()).toEqual([]);
    await shot('6a-hidden');

    await setHidden(false);
    await page.waitForFunction(
      () => document.getElementById('banner')!.textContent === 'banner: true',
      null,
      {
        timeout: 2_000,
      },
    );
    const streams = await openStreams();
    expect(streams).toHaveLength(1);
    expect(new URL(streams[0]!).searchParams.get('lastEventId')).toMatch(/^\d+$/);
    expect(requests.filter((r) => r.url.startsWith('pageerror'))).toEqual([]);
    await shot('6b-visible-replayed');
  });
});
