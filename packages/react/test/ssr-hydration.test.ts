/**
 * Server-side rendering with `react-dom/server` in Node from a bootstrap, then hydration in real
 * Chromium with the same bootstrap: no mismatch warning, and the DOM the server sent is never changed
 * (no flash of other values). A negative control shows that a mismatch would be caught.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapScript } from '../src/index.js';
import { HOSTILE_BANNER, nextSnapshot, snapshot } from './app/fixtures.js';
import { probe } from './app/flags-app.js';
import type { PageConfig } from './app/page-config.js';
import { bundleTestApp } from './support/bundle.js';
import { launchChromium, type OpenedPage, openPage } from './support/chromium.js';
import { type PageServer, startPageServer, testPage } from './support/page-server.js';
import { renderOnServer } from './support/render-on-server.js';

const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));
const context = { key: 'u1', plan: 'pro' };
let browser: Browser;
let pages: PageServer;

beforeAll(async () => {
  const [app, launched, server] = await Promise.all([bundleTestApp(), launchChromium(), startPageServer()]);
  browser = launched;
  pages = server;
  pages.set('/app.js', app);
  mkdirSync(artifacts, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await pages?.close();
});

/** Serves the server-rendered page at `path` and opens it once React has committed the hydration. */
async function hydratePage(path: string, html: string, config: PageConfig): Promise<OpenedPage> {
  pages.set(path, testPage({ config, root: html, after: bootstrapScript(snapshot) }));
  const opened = await openPage(browser, `${pages.url}${path}`);
  await opened.page.waitForFunction(() => window.ensign?.probe.committed === true);
  // Let any post-hydration update (a value that differs from the server's) run.
  await opened.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
  return opened;
}

const flagTexts = (opened: OpenedPage) =>
  opened.page.$$eval('[data-flag]', (els) => els.map((e) => [e.getAttribute('data-flag'), e.textContent]));

describe('SSR with a bootstrap, hydrated in Chromium', () => {
  it('renders the flag values on the server, with the payload escaped in the page', () => {
    const html = renderOnServer(snapshot, context);
    expect(html).toContain('new checkout'); // plan: pro
    expect(html).toContain('2 columns');
    expect(html).not.toContain('</script><script>'); // React escapes text…
    expect(bootstrapScript(snapshot)).not.toMatch(/<\/script>[\s\S]*<\/script>/); // …and so does the payload
    expect(probe.statuses.at(-1)).toBe('ready');
  });

  it('hydrates without a mismatch, and the server HTML is the first frame', async () => {
    const html = renderOnServer(snapshot, context);
    const opened = await hydratePage('/ssr', html, {
      mount: 'hydrate',
      offline: true,
      bootstrap: 'page',
      providerBootstrap: true,
      context,
    });
    try {
      expect(opened.problems()).toEqual([]);
      // Hydration adopted the server's DOM: not one node or text changed, from first paint on.
      expect(await opened.page.evaluate(() => (window as { __mutations?: unknown[] }).__mutations)).toEqual(
        [],
      );
      expect(await flagTexts(opened)).toEqual([
        ['checkout', 'new checkout'],
        ['banner', HOSTILE_BANNER],
        ['layout', '2 columns'],
        ['limit', '100'],
        ['missing', 'fallback FLAG_NOT_FOUND'],
        ['wrong-type', 'text WRONG_TYPE'],
      ]);
      expect(await opened.page.evaluate(() => window.ensign.probe.statuses)).toEqual(['ready']);
      expect(await opened.page.evaluate(() => window.ensign.client.revision)).toBe(snapshot.revision);
      expect(await opened.page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
      await opened.page.screenshot({ path: `${artifacts}ssr-hydrated.png` });
    } finally {
      await opened.close();
    }
  });

  it('hydrates from the bootstrap even when the live client has moved on, then shows the new value', async () => {
    // The live client already holds the next revision (as if streamed before hydration).
    const html = renderOnServer(snapshot, context);
    const opened = await hydratePage('/moved-on', html, {
      mount: 'hydrate',
      offline: true,
      bootstrap: nextSnapshot,
      providerBootstrap: true,
      context,
    });
    try {
      expect(opened.problems()).toEqual([]);
      expect(await opened.page.textContent('[data-flag="banner"]')).toBe('Bye');
      expect(await opened.page.textContent('[data-flag="checkout"]')).toBe('new checkout');
    } finally {
      await opened.close();
    }
  });

  it('negative control: hydrating from a client whose values differ is reported as a mismatch', async () => {
    const html = renderOnServer(snapshot, context);
    const opened = await hydratePage('/mismatch', html, {
      mount: 'hydrate',
      offline: true,
      bootstrap: nextSnapshot,
      providerBootstrap: false,
      context,
    });
    try {
      expect(opened.problems().join('\n')).toMatch(/hydrat/i);
    } finally {
      await opened.close();
    }
  });
});
