/**
 * The hooks in real Chromium (client-only rendering): the right values, re-renders limited to the
 * components whose flag changed, the status. The client is offline with a bootstrap; `identify`
 * changes what flags evaluate to, exactly as a server change would (both arrive as `change` events).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_BANNER, snapshot } from './app/fixtures.js';
import type { PageConfig } from './app/page-config.js';
import { bundleTestApp } from './support/bundle.js';
import { launchChromium, openPage } from './support/chromium.js';
import { type PageServer, startPageServer, testPage } from './support/page-server.js';

let browser: Browser;
let pages: PageServer;

beforeAll(async () => {
  const [app, launched, server] = await Promise.all([bundleTestApp(), launchChromium(), startPageServer()]);
  browser = launched;
  pages = server;
  pages.set('/app.js', app);
});
afterAll(async () => {
  await browser?.close();
  await pages?.close();
});

const textOf = (flag: string) => `[data-flag="${flag}"]`;

describe('hooks in Chromium', () => {
  it('render the flag values, and re-render only the components whose flag changed', async () => {
    const config: PageConfig = {
      mount: 'render',
      offline: true,
      bootstrap: snapshot,
      context: { key: 'u1' },
    };
    pages.set('/', testPage({ config }));
    const opened = await openPage(browser, `${pages.url}/`);
    const { page } = opened;
    try {
      await page.waitForFunction(() => window.ensign?.probe.committed === true);
      expect(await page.textContent(textOf('checkout'))).toBe('old checkout');
      expect(await page.textContent(textOf('banner'))).toBe(HOSTILE_BANNER);
      expect(await page.getAttribute(textOf('banner'), 'data-reason')).toBe('FALLTHROUGH');
      expect(await page.textContent(textOf('layout'))).toBe('2 columns');
      expect(await page.textContent(textOf('limit'))).toBe('100');
      expect(await page.textContent(textOf('missing'))).toBe('fallback FLAG_NOT_FOUND');
      expect(await page.textContent(textOf('wrong-type'))).toBe('text WRONG_TYPE');
      expect(await page.getAttribute('[data-status]', 'data-status')).toBe('ready');

      const renders = () => page.evaluate(() => ({ ...window.ensign.probe.renders }));
      const before = await renders();
      expect(before).toEqual({ checkout: 1, banner: 1, layout: 1, limit: 1, missing: 1, 'wrong-type': 1 });

      // Only `checkout` depends on `plan`.
      await page.evaluate(() => window.ensign.client.identify({ key: 'u1', plan: 'pro' }));
      await page.waitForFunction(
        () => document.querySelector('[data-flag="checkout"]')?.textContent === 'new checkout',
      );
      expect(await renders()).toEqual({ ...before, checkout: 2 });

      // Only `layout` depends on `country`: a new JSON value re-renders it, and nothing else.
      await page.evaluate(() => window.ensign.client.identify({ key: 'u1', plan: 'pro', country: 'DE' }));
      await page.waitForFunction(
        () => document.querySelector('[data-flag="layout"]')?.textContent === '3 columns',
      );
      expect(await renders()).toEqual({ ...before, checkout: 2, layout: 2 });

      // A context that changes no value re-renders nothing.
      await page.evaluate(() =>
        window.ensign.client.identify({ key: 'u1', plan: 'pro', country: 'DE', x: 1 }),
      );
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
      expect(await renders()).toEqual({ ...before, checkout: 2, layout: 2 });

      expect(opened.problems()).toEqual([]);
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    } finally {
      await opened.close();
    }
  });
});
