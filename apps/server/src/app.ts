/**
 * The HTTP application, built by a function with no I/O at import: `main.ts` gives it a real store
 * and logger, tests give it theirs and call `app.request()`.
 */
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { keyHashingFor } from './delivery/key-hashing.js';
import { notifyingStore } from './delivery/notifying-store.js';
import type { Peers } from './delivery/peers.js';
import { StreamHub } from './delivery/stream-hub.js';
import type { AppEnv } from './http/app-env.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import type { Lifecycle } from './lifecycle/lifecycle.js';
import type { Logger } from './logger.js';
import { instrumentedStore } from './metrics/instrumented-store.js';
import { createServerMetrics } from './metrics/server-metrics.js';
import { requireKey } from './middleware/auth/index.js';
import { beaconJson } from './middleware/beacon-json/index.js';
import { bodyLimit } from './middleware/body-limit/index.js';
import { drainGuard } from './middleware/drain-guard/index.js';
import { httpMetrics } from './middleware/http-metrics/index.js';
import { jsonContent } from './middleware/json-content/index.js';
import { requestId } from './middleware/request-id/index.js';
import { requestLog } from './middleware/request-log/index.js';
import { sdkCors } from './middleware/sdk-cors/index.js';
import { unreadBody } from './middleware/unread-body/index.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { auditRoutes } from './routes/audit.js';
import { environmentRoutes } from './routes/environments.js';
import { flagConfigRoutes } from './routes/flag-configs.js';
import { flagRoutes } from './routes/flags.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { ofrepRoutes } from './routes/ofrep.js';
import { projectRoutes } from './routes/projects.js';
import { propagationRoutes, usageRoutes } from './routes/propagation.js';
import { addReferenceRoutes } from './routes/reference.js';
import { remoteEvaluationRoutes } from './routes/remote-evaluation.js';
import { sdkRoutes } from './routes/sdk.js';
import { segmentRoutes } from './routes/segments.js';
import { telemetryRoutes } from './routes/telemetry.js';
import type { Store } from './store/store.js';

const serverVersion = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export interface AppDeps {
  store: Store;
  /** Delivers changes to SDKs. Default: a hub without timers (tests); main.ts starts its own. */
  hub?: StreamHub;
  /** SDK stream settings (see routes/sdk.ts). */
  sdk?: { retryMs?: number; streamBufferBytes?: number };
  logger: Logger;
  lifecycle: Lifecycle;
  /** Largest accepted request body. Default 1 MiB. */
  maxBodyBytes?: number;
  /** When set, GET /metrics requires this bearer token. */
  metricsToken?: string | undefined;
  /** The other worker processes of a cluster (`--workers`), told about commits and revocations. */
  peers?: Peers | undefined;
}

/**
 * @example
 * const app = createApp({ store, logger, lifecycle });
 * const res = await app.request('/livez');
 */
export function createApp(options: AppDeps): Hono<AppEnv> {
  const hub = options.hub ?? new StreamHub({ store: options.store, keyHashing: keyHashingFor });
  // Every write made through the API also tells the hub, which tells connected SDKs.
  const metrics = createServerMetrics(hub);
  const deps = {
    ...options,
    store: notifyingStore(instrumentedStore(options.store, metrics), hub, options.peers),
    hub,
    metrics,
  };
  const app = new Hono<AppEnv>();
  app.use(unreadBody());
  app.use(requestId());
  app.use(httpMetrics(metrics));
  app.use(requestLog(deps.logger));
  app.use(drainGuard(deps.lifecycle));

  app.route('/', healthRoutes(deps));

  const api = new Hono<AppEnv>();
  // Authenticate before reading any body; unknown /api/v1 paths are 401 to anonymous callers.
  api.use(requireKey(deps.store, ['admin']));
  const limitBody = bodyLimit(deps.maxBodyBytes ?? 1024 * 1024);
  api.use(limitBody, jsonContent());
  api.route('/projects', projectRoutes(deps));
  api.route('/projects/:project/environments', environmentRoutes(deps));
  api.route('/projects/:project/flags', flagRoutes(deps));
  api.route('/projects/:project/environments/:env/flags', flagConfigRoutes(deps));
  api.route('/projects/:project/environments/:env/segments', segmentRoutes(deps));
  api.route('/projects/:project/audit', auditRoutes(deps));
  api.route('/api-keys', apiKeyRoutes(deps));
  api.route('/projects/:project/environments/:env/propagation', propagationRoutes(deps));
  api.route('/projects/:project/environments/:env/usage', usageRoutes(deps));
  app.route('/api/v1', api);

  const sdk = new Hono<AppEnv>();
  sdk.use(sdkCors(), requireKey(deps.store, ['server', 'client'], { queryKeyKinds: ['client'] }), limitBody);
  // Browsers send telemetry with sendBeacon, whose JSON body can only be typed text/plain.
  sdk.use('/telemetry', beaconJson());
  sdk.use(jsonContent());
  sdk.route('/', sdkRoutes({ store: deps.store, hub, ...options.sdk }));
  sdk.route('/', remoteEvaluationRoutes(deps));
  sdk.route('/', telemetryRoutes(deps));
  app.route('/sdk/v1', sdk);

  const ofrep = new Hono<AppEnv>();
  ofrep.use(sdkCors(), requireKey(deps.store, ['server', 'client']), limitBody, jsonContent());
  ofrep.route('/', ofrepRoutes(deps));
  app.route('/ofrep/v1', ofrep);

  app.route('/', metricsRoutes(deps));
  addReferenceRoutes(app, serverVersion);

  app.notFound(notFoundHandler);
  app.onError(errorHandler(deps.logger));
  return app;
}
