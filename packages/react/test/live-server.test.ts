/**
 * Against a real Ensign server: `fetchBootstrap` (Node) feeds the server-side render, Chromium
 * hydrates with a streaming client, and a flag changed through the admin API re-renders the page
 * within a second — only the component of that flag. Without a bootstrap, `useEnsignStatus`
 * reports loading, then ready.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fetchBootstrap } from '@ensign/browser';
import { type AdminClient, adminClient, type EnsignServer, startEnsignServer } from '@ensign/test-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapScript } from '../src/index.js';
import type { PageConfig } from './app/page-config.js';
import { configPath, defineAppFlags } from './support/admin-flags.js';
import { bundleTestApp } from './support/bundle.js';
import { launchChromium, openPage } from './support/chromium.js';
import { type PageServer, startPageServer, testPage } from './support/page-server.js';
import { renderOnServer } from './support/render-on-server.js';

const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));
const context = { key: 'user-42', plan: 'pro' };
let server: EnsignServer;
let admin: AdminClient;
let clientKey: string;
let browser: Browser;
let pages: PageServer;

beforeAll(async () => {
  const [app, launched, pageServer, ensign] = await Promise.all([
    bundleTestApp(),
    launchChromium(),
    startPageServer(),
    startEnsignServer(),
  ]);
  browser = launched;
  pages = pageServer;
  server = ensign;
  pages.set('/app.js', app);
  admin = adminClient(server.url, server.keys.get('admin')!);
  clientKey = server.keys.get('development client SDK')!;
  await defineAppFlags(admin);
  mkdirSync(artifacts, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await server?.stop({ removeData: true });
});

describe('a page against a real Ensign server', () => {
  it('SSR from fetchBootstrap hydrates cleanly, and a flag flipped via the admin API re-renders within 1 s', async () => {
    const bootstrap = await fetchBootstrap({ clientKey, baseUrl: server.url });
    expect(bootstrap.flags).toHaveLength(4);
    expect(bootstrap.keyHashing?.salt).toEqual(expect.any(String));
    const html = renderOnServer(bootstrap, context);
    expect(html).toContain('new checkout');
    expect(html).toContain('Hello');

    const config: PageConfig = {
      mount: 'hydrate',
      bootstrap: 'page',
      providerBootstrap: true,
      clientKey,
      baseUrl: server.url,
      context,
    };
    pages.set('/live', testPage({ config, root: html, after: bootstrapScript(bootstrap) }));
    const opened = await openPage(browser, `${pages.url}/live`);
    const { page } = opened;
    try {
      // The stream is open before the change is made (so the change travels over it).
      await expect
        .poll(() => opened.responses.some((r) => /^200 .*\/sdk\/v1\/stream/.test(r)), { timeout: 5_000 })
        .toBe(true);
      await page.waitForFunction(() => window.ensign?.probe.committed === true);
      expect(await page.evaluate(() => (window as { __mutations?: unknown[] }).__mutations)).toEqual([]);
      const before = await page.evaluate(() => ({ ...window.ensign.probe.renders }));

      const started = performance.now();
      const res = await admin('PUT', `${configPath('banner')}/fallthrough`, { body: { variation: 1 } });
      expect(res.status).toBe(200);
      await page.waitForFunction(
        () => document.querySelector('[data-flag="banner"]')?.textContent === 'Bye',
        null,
        {
          timeout: 1_000,
          polling: 'raf',
        },
      );
      const elapsedMs = performance.now() - started;
      expect(elapsedMs).toBeLessThan(1_000);
      writeFileSync(`${artifacts}live-server-flip.json`, JSON.stringify({ flipToRenderMs: elapsedMs }));
      expect(await page.evaluate(() => ({ ...window.ensign.probe.renders }))).toEqual({
        ...before,
        banner: before.banner! + 1,
      });
      expect(await page.getAttribute('[data-status]', 'data-status')).toBe('ready');
      await page.screenshot({ path: `${artifacts}live-server-after-flip.png` });
      expect(opened.problems()).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  it('without a bootstrap, useEnsignStatus reports loading, then ready with the server values', async () => {
    const config: PageConfig = { mount: 'render', clientKey, baseUrl: server.url, context };
    pages.set('/cold', testPage({ config }));
    const opened = await openPage(browser, `${pages.url}/cold`);
    const { page } = opened;
    try {
      await page.waitForSelector('[data-status="ready"]');
      const statuses = await page.evaluate(() => window.ensign.probe.statuses);
      expect(statuses[0]).toBe('initializing');
      expect(statuses.at(-1)).toBe('ready');
      expect(await page.textContent('[data-flag="checkout"]')).toBe('new checkout');
      expect(await page.textContent('[data-flag="layout"]')).toBe('2 columns');
      expect(opened.problems()).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});
