/** Real Chromium (Debian's), driven by playwright-core, with every console message and page error collected. */
import { type Browser, chromium, type Page } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface OpenedPage {
  page: Page;
  /** `type: text` of every console message, and `pageerror: …` for uncaught errors. */
  messages: string[];
  /** `<status> <url>` of every response (EventSource streams included, once their headers arrive). */
  responses: string[];
  /** Errors and warnings only (React reports hydration mismatches as console errors). */
  problems(): string[];
  close(): Promise<void>;
}

/** Opens `url` in a fresh browser context (empty localStorage), collecting messages from the start. */
export async function openPage(browser: Browser, url: string): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 800, height: 500 } });
  const page = await context.newPage();
  const messages: string[] = [];
  page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  const responses: string[] = [];
  page.on('response', (r) => responses.push(`${r.status()} ${r.url()}`));
  await page.goto(url);
  return {
    page,
    messages,
    responses,
    problems: () => messages.filter((m) => /^(error|warning|pageerror):/.test(m)),
    close: () => context.close(),
  };
}
