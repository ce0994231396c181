import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import { openApiDocument } from '../http/openapi.js';

/**
 * `GET /api/openapi.json` (generated from the routes of `app`) and `GET /docs` (an interactive
 * reference of it). Both public: the document describes the API, it grants nothing.
 */
export function addReferenceRoutes(app: Hono<AppEnv>, version: string): void {
  app.get('/api/openapi.json', openApiDocument(app, version));
  // The reference page's package is loaded on the first visit, not at start: nothing needs it to
  // become ready, and loading it cost start-up time (docs/benchmarks.md § Server: writes and start-up).
  let docs: Promise<MiddlewareHandler> | undefined;
  app.get('/docs', async (c, next) => {
    docs ??= import('@scalar/hono-api-reference').then(({ Scalar }) =>
      Scalar({ url: '/api/openapi.json', pageTitle: 'Ensign API reference' }),
    );
    return (await docs)(c, next);
  });
}
