/**
 * Every route of the server with a valid example request, for the integration tests that must cover
 * all of them: the auth matrix (which fails when a route of the app has no entry here, or an entry
 * names no route) and the fuzzer (which mutates these examples). The examples name entities that
 * `createFixtures` made, so each one succeeds with an admin key when it runs once.
 */
import type { ApiClient } from './api-client.js';

/** One request to an endpoint; `params` fill the `:names` of its path template. */
export interface Example {
  params?: Record<string, string>;
  /** The query string, without `?`. */
  query?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The entities the examples use, created through the API by `createFixtures`. */
export interface Fixtures {
  /** An admin-key client. */
  call: ApiClient;
  project: string;
  env: string;
  /** A boolean, client-side flag with the rule `rule` and three config revisions in `env`. */
  flag: string;
  rule: string;
  /** A segment with two revisions in `env`. */
  segment: string;
  /** Flags and a segment for the one example that changes each (archive, restore, delete). */
  flagToArchive: string;
  archivedFlag: string;
  segmentToDelete: string;
  /** An SDK key to show, and one to revoke. */
  keyId: string;
  keyToRevokeId: string;
}

/**
 * Who may call an endpoint: anyone (probes, the reference), admin keys (the admin API), or server
 * and client SDK keys (what SDKs read).
 */
export type Access = 'public' | 'admin' | 'sdk';

export interface Endpoint {
  method: string;
  /** Hono's path template, e.g. `/api/v1/projects/:project`. */
  path: string;
  access: Access;
  /** The status of the example request sent with a key it accepts. */
  success: number;
  /** Why /api/openapi.json does not describe it (unset: it does). */
  undocumented?: string;
  example: (f: Fixtures) => Example | Promise<Example>;
}

let serial = 0;
/** A fresh key for examples that create something (`catalog-project-3`). */
const uniqueKey = (prefix: string): string => `${prefix}-${++serial}`;

/** `template` with its `:params` filled (each value percent-encoded unless `raw`). */
export function fillPath(template: string, params: Record<string, string> = {}, raw = false): string {
  return template.replace(/:(\w+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for :${name} of ${template}`);
    return raw ? value : encodeURIComponent(value);
  });
}

const v1 = '/api/v1';
const projectPath = `${v1}/projects/:project`;
const envPath = `${projectPath}/environments/:env`;
const configPath = `${envPath}/flags/:flag`;
const segmentPath = `${envPath}/segments/:segment`;

const inProject = (f: Fixtures) => ({ project: f.project });
const inEnv = (f: Fixtures) => ({ project: f.project, env: f.env });
const ofFlag = (f: Fixtures, flag = f.flag) => ({ project: f.project, flag });
const ofConfig = (f: Fixtures) => ({ ...inEnv(f), flag: f.flag });
const ofSegment = (f: Fixtures, segment = f.segment) => ({ ...inEnv(f), segment });

/** The current document at `path` and its ETag, for writes that replace it. */
async function current(f: Fixtures, path: string): Promise<{ body: unknown; etag: string }> {
  const res = await f.call('GET', path);
  const etag = res.headers.get('ETag');
  if (res.status !== 200 || etag === null) throw new Error(`GET ${path}: ${res.status}`);
  return { body: res.body, etag };
}

export const endpoints: readonly Endpoint[] = [
  // Public: probes and the reference.
  {
    method: 'GET',
    path: '/livez',
    access: 'public',
    success: 200,
    undocumented:
      'a probe: health.ts does not describe it (publicRoute() in openapi.ts is meant for probes too)',
    example: () => ({}),
  },
  {
    method: 'GET',
    path: '/readyz',
    access: 'public',
    success: 200,
    undocumented:
      'a probe: health.ts does not describe it (publicRoute() in openapi.ts is meant for probes too)',
    example: () => ({}),
  },
  {
    method: 'GET',
    path: '/api/openapi.json',
    access: 'public',
    success: 200,
    undocumented: 'the document itself (excluded in openapi.ts)',
    example: () => ({}),
  },
  {
    method: 'GET',
    path: '/docs',
    access: 'public',
    success: 200,
    undocumented: 'the reference page (excluded in openapi.ts)',
    example: () => ({}),
  },

  // What SDKs read (server and client keys of one environment).
  {
    method: 'GET',
    path: '/sdk/v1/flags',
    access: 'sdk',
    success: 200,
    example: () => ({}),
  },
  {
    method: 'GET',
    path: '/sdk/v1/stream',
    access: 'sdk',
    success: 200,
    example: () => ({}),
  },

  {
    method: 'POST',
    path: '/sdk/v1/telemetry',
    access: 'sdk',
    success: 202,
    example: (f) => {
      const end = new Date();
      return {
        body: {
          sdk: { name: '@ensign/sdk-node', version: '1.0.0' },
          instanceId: 'catalog-instance',
          revision: 1,
          window: { start: new Date(end.getTime() - 10_000).toISOString(), end: end.toISOString() },
          flags: { [f.flag]: { '0': 3, default: 1 } },
        },
      };
    },
  },
  {
    method: 'POST',
    path: '/sdk/v1/evaluate',
    access: 'sdk',
    success: 200,
    example: () => ({ body: { context: { key: 'user-1', plan: 'beta' } } }),
  },
  { method: 'GET', path: '/metrics', access: 'public', success: 200, example: () => ({}) },

  // OpenFeature Remote Evaluation Protocol (SDK keys too).
  {
    method: 'POST',
    path: '/ofrep/v1/evaluate/flags/:key',
    access: 'sdk',
    success: 200,
    example: (f) => ({
      params: { key: f.flag },
      body: { context: { targetingKey: 'user-1', plan: 'beta' } },
    }),
  },
  {
    method: 'POST',
    path: '/ofrep/v1/evaluate/flags',
    access: 'sdk',
    success: 200,
    example: () => ({ body: { context: { targetingKey: 'user-1' } } }),
  },
  { method: 'GET', path: '/ofrep/v1/configuration', access: 'sdk', success: 200, example: () => ({}) },

  // Projects and environments.
  { method: 'GET', path: `${v1}/projects`, access: 'admin', success: 200, example: () => ({}) },
  {
    method: 'POST',
    path: `${v1}/projects`,
    access: 'admin',
    success: 201,
    example: () => ({ body: { key: uniqueKey('catalog-project'), name: 'Catalog project' } }),
  },
  {
    method: 'GET',
    path: projectPath,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: inProject(f) }),
  },
  {
    method: 'GET',
    path: `${projectPath}/environments`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: inProject(f) }),
  },
  {
    method: 'POST',
    path: `${projectPath}/environments`,
    access: 'admin',
    success: 201,
    example: (f) => ({ params: inProject(f), body: { key: uniqueKey('catalog-env'), name: 'Catalog env' } }),
  },
  { method: 'GET', path: envPath, access: 'admin', success: 200, example: (f) => ({ params: inEnv(f) }) },

  // Flag definitions.
  {
    method: 'GET',
    path: `${projectPath}/flags`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: inProject(f), query: 'archived=all' }),
  },
  {
    method: 'POST',
    path: `${projectPath}/flags`,
    access: 'admin',
    success: 201,
    example: (f) => ({
      params: inProject(f),
      body: {
        key: uniqueKey('catalog-flag'),
        name: 'Catalog flag',
        type: 'string',
        variations: ['red', 'blue'],
        description: 'made by a test',
        tags: ['catalog'],
        owner: 'tests',
        temporary: true,
      },
      headers: { 'X-Ensign-Comment': 'catalog example' },
    }),
  },
  {
    method: 'GET',
    path: `${projectPath}/flags/:flag`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofFlag(f) }),
  },
  {
    method: 'PATCH',
    path: `${projectPath}/flags/:flag`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofFlag(f), body: { description: 'patched', tags: ['catalog'] } }),
  },
  {
    method: 'POST',
    path: `${projectPath}/flags/:flag/archive`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofFlag(f, f.flagToArchive) }),
  },
  {
    method: 'POST',
    path: `${projectPath}/flags/:flag/restore`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofFlag(f, f.archivedFlag) }),
  },
  {
    method: 'POST',
    path: `${projectPath}/flags/:flag/promote`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofFlag(f), body: { from: f.env, to: 'staging' } }),
  },

  // Flag configs.
  {
    method: 'GET',
    path: configPath,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofConfig(f) }),
  },
  {
    method: 'PUT',
    path: configPath,
    access: 'admin',
    success: 200,
    example: async (f) => {
      const { body, etag } = await current(f, fillPath(configPath, ofConfig(f)));
      return { params: ofConfig(f), body, headers: { 'If-Match': etag } };
    },
  },
  {
    method: 'POST',
    path: `${configPath}/toggle`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofConfig(f), body: { on: true } }),
  },
  {
    method: 'PUT',
    path: `${configPath}/fallthrough`,
    access: 'admin',
    success: 200,
    example: (f) => ({
      params: ofConfig(f),
      body: {
        rollout: {
          variations: [
            { variation: 0, weight: 10_000 },
            { variation: 1, weight: 90_000 },
          ],
        },
      },
    }),
  },
  {
    method: 'PUT',
    path: `${configPath}/rules/:rule/serve`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: { ...ofConfig(f), rule: f.rule }, body: { variation: 1 } }),
  },
  {
    method: 'POST',
    path: `${configPath}/targets`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofConfig(f), body: { variation: 0, add: ['alice', 'bob'] } }),
  },
  {
    method: 'POST',
    path: `${configPath}/revert`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofConfig(f), body: { version: 1 } }),
  },
  {
    method: 'GET',
    path: `${configPath}/revisions`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofConfig(f), query: 'limit=2' }),
  },
  {
    method: 'GET',
    path: `${configPath}/revisions/:version`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: { ...ofConfig(f), version: '2' } }),
  },
  {
    method: 'GET',
    path: `${configPath}/diff`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofConfig(f), query: 'from=1&to=2' }),
  },

  // Segments.
  {
    method: 'GET',
    path: `${envPath}/segments`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: inEnv(f) }),
  },
  {
    method: 'GET',
    path: segmentPath,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofSegment(f) }),
  },
  {
    method: 'PUT',
    path: segmentPath,
    access: 'admin',
    success: 200,
    example: async (f) => {
      const { body, etag } = await current(f, fillPath(segmentPath, ofSegment(f)));
      return { params: ofSegment(f), body, headers: { 'If-Match': etag } };
    },
  },
  {
    method: 'DELETE',
    path: segmentPath,
    access: 'admin',
    success: 204,
    example: (f) => ({ params: ofSegment(f, f.segmentToDelete) }),
  },
  {
    method: 'POST',
    path: `${segmentPath}/revert`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofSegment(f), body: { version: 1 } }),
  },
  {
    method: 'GET',
    path: `${segmentPath}/revisions`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofSegment(f), query: 'limit=5&before=3' }),
  },
  {
    method: 'GET',
    path: `${segmentPath}/revisions/:version`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: { ...ofSegment(f), version: '1' } }),
  },
  {
    method: 'GET',
    path: `${segmentPath}/diff`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: ofSegment(f), query: 'from=1&to=2' }),
  },

  {
    method: 'GET',
    path: `${envPath}/propagation`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: inEnv(f), query: 'window=60&kind=server&limit=10' }),
  },
  {
    method: 'GET',
    path: `${envPath}/usage`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: inEnv(f), query: `flag=${f.flag}&hours=24` }),
  },

  // Audit log and API keys.
  {
    method: 'GET',
    path: `${projectPath}/audit`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: inProject(f), query: `environment=${f.env}&kind=flag_config&limit=5` }),
  },
  { method: 'GET', path: `${v1}/api-keys`, access: 'admin', success: 200, example: () => ({}) },
  {
    method: 'POST',
    path: `${v1}/api-keys`,
    access: 'admin',
    success: 201,
    example: (f) => ({
      body: { kind: 'client', name: uniqueKey('catalog client'), project: f.project, environment: f.env },
    }),
  },
  {
    method: 'GET',
    path: `${v1}/api-keys/:id`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: { id: f.keyId } }),
  },
  {
    method: 'DELETE',
    path: `${v1}/api-keys/:id`,
    access: 'admin',
    success: 200,
    example: (f) => ({ params: { id: f.keyToRevokeId } }),
  },
];

/** Sends `method path` with the admin client and fails unless it answers `status`. */
async function must(
  call: ApiClient,
  status: number,
  method: string,
  path: string,
  options: Parameters<ApiClient>[2] = {},
) {
  const res = await call(method, path, options);
  if (res.status !== status)
    throw new Error(`fixture ${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

/**
 * Creates the entities the examples name, in the project `project` (which must exist) and its
 * environment `development`, through the API with the admin client `call`. Keys are prefixed by
 * `prefix`, so that two callers on one server do not collide.
 */
export async function createFixtures(call: ApiClient, project = 'default', prefix = 'fx'): Promise<Fixtures> {
  const env = 'development';
  const f = {
    call,
    project,
    env,
    flag: `${prefix}-flag`,
    rule: `${prefix}-rule`,
    segment: `${prefix}-segment`,
    flagToArchive: `${prefix}-to-archive`,
    archivedFlag: `${prefix}-archived`,
    segmentToDelete: `${prefix}-to-delete`,
  };
  const flags = `${v1}/projects/${project}/flags`;
  for (const key of [f.flag, f.flagToArchive, f.archivedFlag])
    await must(call, 201, 'POST', flags, {
      body: { key, name: key, type: 'boolean', variations: [true, false] },
    });
  await must(call, 200, 'POST', `${flags}/${f.archivedFlag}/archive`);

  // The flag's config: client-side with a rule (version 2), then on (version 3).
  const config = fillPath(configPath, { project, env, flag: f.flag });
  const { body } = await current(f as Fixtures, config);
  await must(call, 200, 'PUT', config, {
    body: {
      ...(body as object),
      clientSide: true,
      rules: [
        {
          id: f.rule,
          clauses: [{ attribute: 'plan', op: 'in', values: ['beta'] }],
          serve: { variation: 0 },
        },
      ],
    },
    headers: { 'If-Match': '"1"' },
  });
  await must(call, 200, 'POST', `${config}/toggle`, { body: { on: true } });

  const segment = (key: string) => fillPath(segmentPath, { project, env, segment: key });
  await must(call, 201, 'PUT', segment(f.segment), { body: { included: ['a'] } });
  await must(call, 200, 'PUT', segment(f.segment), {
    body: {
      included: ['a', 'b'],
      rules: [{ clauses: [{ attribute: 'country', op: 'in', values: ['NZ'] }] }],
    },
    headers: { 'If-Match': '"1"' },
  });
  await must(call, 201, 'PUT', segment(f.segmentToDelete), { body: { excluded: ['z'] } });

  const sdkKey = async (name: string) =>
    String(
      (
        await must(call, 201, 'POST', `${v1}/api-keys`, {
          body: { kind: 'server', name, project, environment: env },
        })
      ).body.id,
    );
  return { ...f, keyId: await sdkKey(`${prefix} shown`), keyToRevokeId: await sdkKey(`${prefix} revoked`) };
}
