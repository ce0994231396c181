import { Scalar } from '@scalar/hono-api-reference';
import type { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import { openApiDocument } from '../http/openapi.js';

/**
 * `GET /api/openapi.json` (generated from the routes of `app`) and `GET /docs` (an interactive
 * reference of it). Both public: the document describes the API, it grants nothing.
 */
export function addReferenceRoutes(app: Hono<AppEnv>, version: string): void {
  app.get('/api/openapi.json', openApiDocument(app, version));
  app.get('/docs', Scalar({ url: '/api/openapi.json', pageTitle: 'Ensign API reference' }));
}
