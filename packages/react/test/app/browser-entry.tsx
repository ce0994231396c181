/** The test pages' script (bundled by esbuild): creates the client as the page says, then renders or hydrates. */
import { createClient, type EnsignBrowserClient } from '@ensign/browser';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { EnsignProvider, readBootstrap } from '../../src/index.js';
import { FlagsApp, probe } from './flags-app.js';
import type { PageConfig } from './page-config.js';

declare global {
  interface Window {
    __ensignTest: PageConfig;
    ensign: { client: EnsignBrowserClient; probe: typeof probe };
  }
}

const config = window.__ensignTest;
const fromPage = readBootstrap();
const bootstrap = config.bootstrap === 'page' ? fromPage : config.bootstrap;
const client = createClient({
  context: config.context,
  ...(bootstrap !== undefined && { bootstrap }),
  ...(config.clientKey !== undefined && { clientKey: config.clientKey }),
  ...(config.baseUrl !== undefined && { baseUrl: config.baseUrl }),
  ...(config.offline !== undefined && { offline: config.offline }),
});
window.ensign = { client, probe };

const app = (
  <EnsignProvider client={client} bootstrap={config.providerBootstrap ? fromPage : undefined}>
    <FlagsApp />
  </EnsignProvider>
);
const root = document.getElementById('root')!;
if (config.mount === 'hydrate') hydrateRoot(root, app);
else createRoot(root).render(app);
