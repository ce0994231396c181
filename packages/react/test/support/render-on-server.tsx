/** What an app server does per request: an offline client from the payload, rendered to a string. */
import { createClient, type SnapshotPayload } from '@ensign/browser';
import { renderToString } from 'react-dom/server';
import { EnsignProvider } from '../../src/index.js';
import { FlagsApp } from '../app/flags-app.js';

export function renderOnServer(bootstrap: SnapshotPayload, context: Record<string, unknown>): string {
  const client = createClient({ offline: true, cache: false, telemetry: false, bootstrap, context });
  return renderToString(
    <EnsignProvider client={client}>
      <FlagsApp />
    </EnsignProvider>,
  );
}
