/** A static HTTP server on 127.0.0.1 for test pages: path → body, with request counts. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PageServer {
  url: string;
  /** Serves `body` at `path` (`.js` as a module script, anything else as HTML). */
  set(path: string, body: string): void;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const routes = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = routes.get(path);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    const type = path.endsWith('.js') ? 'text/javascript' : 'text/html';
    res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    set: (path, body) => routes.set(path, body),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A test page: `body` (server-rendered HTML or empty) in `#root`, extra HTML after it (the bootstrap
 * script), the page config, and a MutationObserver started before any script runs, so a test can
 * tell whether the DOM the server sent was ever changed (a flash of other content).
 */
export function testPage(options: { config: unknown; root?: string; after?: string }): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>ensign react test</title></head>
<body><div id="root">${options.root ?? ''}</div>${options.after ?? ''}
<script>
  window.__mutations = [];
  new MutationObserver((records) => {
    for (const r of records) window.__mutations.push({ type: r.type, at: performance.now(), committed: !!(window.ensign && window.ensign.probe.committed) });
  }).observe(document.getElementById('root'), { subtree: true, childList: true, characterData: true, attributes: true });
  window.__ensignTest = ${JSON.stringify(options.config).replace(/</g, '\\u003c')};
</script>
<script type="module" src="/app.js"></script>
</body></html>`;
}
