/**
 * Integration: the auth matrix. Every endpoint (endpoint-catalog.ts) × every kind of caller, against
 * the built server as a real process on 127.0.0.1 with a real SQLite file: no key, a malformed key
 * and a revoked admin key get 401; a valid key of the wrong kind 403 (SDK keys on the admin API, the
 * admin key on SDK routes); a key of the right kind the endpoint's success status for a valid example
 * request; public endpoints answer 200 to all. Denials are one constant answer per auth guard,
 * whatever the endpoint and whether its resource exists, so they reveal nothing about it. The catalog
 * must list exactly the app's routes, and /api/openapi.json exactly the documented ones: a route
 * added without a row fails here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createLifecycle } from '../src/lifecycle/lifecycle.js';
import { createLogger } from '../src/logger.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { type ApiClient, apiClient, type Call, printedKeys } from './api-client.js';
import {
  createFixtures,
  type Endpoint,
  type Example,
  endpoints,
  type Fixtures,
  fillPath,
} from './endpoint-catalog.js';
import { kill, type ServerProcess, startServer } from './server-process.js';

const principals = [
  'no key',
  'a malformed key',
  'a revoked admin key',
  'a client-SDK key',
  'a server-SDK key',
  'an admin key',
] as const;
type Principal = (typeof principals)[number];

/** One way a principal presents itself: an `Authorization` header, a `?key=` secret, or nothing. */
interface Presentation {
  label: string;
  header?: string;
  query?: string;
}

function expectedStatus(endpoint: Endpoint, principal: Principal): number {
  if (endpoint.access === 'public') return endpoint.success;
  switch (principal) {
    case 'no key':
    case 'a malformed key':
    case 'a revoked admin key':
      return 401;
    case 'a client-SDK key':
    case 'a server-SDK key':
      return endpoint.access === 'sdk' ? endpoint.success : 403;
    case 'an admin key':
      return endpoint.access === 'admin' ? endpoint.success : 403;
  }
}

/**
 * The auth middleware in front of a path (app.ts): the admin API's, the SDK routes' (which also take
 * a client key as `?key=`, for EventSource) or OFREP's. Each answers its own denials.
 */
type Guard = 'admin' | 'sdk' | 'ofrep';
const guards: Record<Guard, string> = { admin: '/api/v1/', sdk: '/sdk/v1/', ofrep: '/ofrep/v1/' };
const guardOf = (path: string) =>
  (Object.keys(guards) as Guard[]).find((guard) => path.startsWith(guards[guard]));

/** A GET of each guard without parameters: every denial behind the guard must equal its denials. */
const referenceRoute = Object.fromEntries(
  (Object.keys(guards) as Guard[]).map((guard) => [
    guard,
    endpoints.find((e) => e.method === 'GET' && guardOf(e.path) === guard && !e.path.includes(':'))!.path,
  ]),
) as Record<Guard, string>;

const routeId = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
const sorted = (values: Iterable<string>) => [...values].sort();

let dir: string;
let server: ServerProcess;
let call: ApiClient;
let fixtures: Fixtures;
let presentations: Record<Principal, Presentation[]>;
/** The secrets sent, none of which may come back in an answer. */
let secrets: string[];
/** What the reference route of a guard answers each denied presentation: `guard|label`. */
const reference = new Map<string, Call>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-auth-matrix-'));
  server = await startServer(join(dir, 'ensign.db'));
  const keys = printedKeys(server.stderr());
  const admin = keys.get('admin')!;
  const client = keys.get('development client SDK')!;
  const serverKey = keys.get('development server SDK')!;
  call = apiClient(server, admin);
  fixtures = await createFixtures(call, 'default', 'matrix');

  const revoked = await call('POST', '/api/v1/api-keys', { body: { kind: 'admin', name: 'matrix revoked' } });
  expect(revoked.status).toBe(201);
  expect((await call('DELETE', `/api/v1/api-keys/${revoked.body.id}`)).status).toBe(200);
  secrets = [admin, client, serverKey, revoked.body.secret];

  presentations = {
    'no key': [{ label: 'no Authorization' }],
    'a malformed key': [
      { label: 'Bearer not-a-key', header: 'Bearer not-a-key' },
      { label: 'a well-formed unknown key', header: `Bearer ens_adm_${'A'.repeat(43)}` },
      { label: "a client key's random part as an admin key", header: `Bearer ens_adm_${client.slice(8)}` },
      { label: 'the admin key and one more character', header: `Bearer ${admin}x` },
      { label: 'the admin key without "Bearer"', header: admin },
      { label: 'Basic credentials', header: `Basic ${Buffer.from(`admin:${admin}`).toString('base64')}` },
      // Only client keys may come in the URL (browsers' EventSource cannot send headers).
      { label: 'the admin key in ?key=', query: admin },
      { label: 'the server key in ?key=', query: serverKey },
    ],
    'a revoked admin key': [{ label: 'Bearer <revoked>', header: `Bearer ${revoked.body.secret}` }],
    'a client-SDK key': [{ label: 'Bearer <client>', header: `Bearer ${client}` }],
    'a server-SDK key': [{ label: 'Bearer <server>', header: `Bearer ${serverKey}` }],
    'an admin key': [{ label: 'Bearer <admin>', header: `Bearer ${admin}` }],
  };
  for (const [guard, path] of Object.entries(referenceRoute))
    for (const principal of principals)
      for (const p of presentations[principal]) {
        const res = await send('GET', path, {}, p);
        if (res.status === 401 || res.status === 403) reference.set(`${guard}|${p.label}`, res);
      }
});

afterAll(async () => {
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

/** How `principal` presents itself to `endpoint`: client keys may also come as `?key=` to /sdk/v1. */
function presentationsFor(endpoint: Endpoint, principal: Principal): Presentation[] {
  const all = presentations[principal];
  if (principal !== 'a client-SDK key' || guardOf(endpoint.path) !== 'sdk') return all;
  return [...all, { label: 'the client key in ?key=', query: all[0]!.header!.slice('Bearer '.length) }];
}

/** Sends a request; an event stream is answered with its status and headers, then closed. */
async function send(method: string, path: string, example: Example, who: Presentation): Promise<Call> {
  const headers: Record<string, string> = { ...example.headers };
  if (who.header !== undefined) headers.Authorization = who.header;
  if (example.body !== undefined) headers['Content-Type'] ??= 'application/json';
  const url =
    who.query === undefined
      ? path
      : `${path}${path.includes('?') ? '&' : '?'}key=${encodeURIComponent(who.query)}`;
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers,
    ...(example.body !== undefined && { body: JSON.stringify(example.body) }),
  });
  const type = res.headers.get('Content-Type') ?? '';
  if (type.startsWith('text/event-stream')) {
    await res.body?.cancel();
    return { status: res.status, headers: res.headers, body: undefined };
  }
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: type.includes('json') ? JSON.parse(text) : text };
}

/** The headers that may differ between two equal answers. */
const varying = new Set(['date', 'x-request-id', 'keep-alive', 'connection']);
const headerNames = (res: Call) => sorted([...res.headers.keys()].filter((name) => !varying.has(name)));

describe('denials', () => {
  it('are the one error shape, 401 with a Bearer challenge, 403 with nothing about the resource', () => {
    expect(reference.size).toBeGreaterThan(0);
    for (const [id, res] of reference) {
      const code = res.status === 401 ? 'unauthorized' : 'forbidden';
      expect(res.headers.get('Content-Type'), id).toMatch(/^application\/json/);
      expect(res.body, id).toEqual({ error: { code, message: expect.any(String) } });
      if (res.status === 401) expect(res.headers.get('WWW-Authenticate'), id).toMatch(/^Bearer\b/);
      for (const header of ['ETag', 'Location', 'Set-Cookie']) expect(res.headers.get(header), id).toBeNull();
      for (const secret of secrets) {
        expect(JSON.stringify(res.body), id).not.toContain(secret);
        expect(JSON.stringify(res.body), id).not.toContain(secret.slice(0, 16));
      }
    }
  });

  it('say the same for a malformed, an unknown and a revoked key, so none of them is confirmed', () => {
    for (const guard of Object.keys(referenceRoute)) {
      const answers = [...presentations['a malformed key'], ...presentations['a revoked admin key']]
        .filter((p) => p.header !== undefined)
        .map((p) => reference.get(`${guard}|${p.label}`)!);
      for (const answer of answers) expect(answer.body, guard).toEqual(answers[0]!.body);
    }
  });
});

describe('every endpoint × every caller', () => {
  const cases = endpoints.flatMap((endpoint) =>
    principals.map((principal) => ({
      route: routeId(endpoint.method, endpoint.path),
      principal,
      status: expectedStatus(endpoint, principal),
      endpoint,
    })),
  );

  for (const { route, principal, status, endpoint } of cases)
    it(`${route} with ${principal}: ${status}`, async () => {
      const example = await endpoint.example(fixtures);
      const query = example.query === undefined ? '' : `?${example.query}`;
      const path = fillPath(endpoint.path, example.params) + query;
      // The same request about resources that do not exist: a denial must not tell the two apart.
      const ghostParams = Object.fromEntries(Object.keys(example.params ?? {}).map((k) => [k, '9999-ghost']));
      const ghostPath = fillPath(endpoint.path, ghostParams) + query;

      for (const who of presentationsFor(endpoint, principal)) {
        const res = await send(endpoint.method, path, example, who);
        const what = `${endpoint.method} ${path} with ${who.label}`;
        expect(res.status, `${what}: ${JSON.stringify(res.body)?.slice(0, 300)}`).toBe(status);
        if (endpoint.access === 'public' || (status !== 401 && status !== 403)) continue;
        // Every denial equals the one of a route without parameters: nothing of this resource is in it.
        const expected = reference.get(`${guardOf(endpoint.path)}|${who.label}`)!;
        for (const [answer, url] of [
          [res, path],
          [await send(endpoint.method, ghostPath, example, who), ghostPath],
        ] as const) {
          const where = `${endpoint.method} ${url} with ${who.label}`;
          expect(answer.status, where).toBe(expected.status);
          expect(answer.body, where).toEqual(expected.body);
          expect(headerNames(answer), where).toEqual(headerNames(expected));
          if (answer.status === 401)
            expect(answer.headers.get('WWW-Authenticate'), where).toMatch(/^Bearer\b/);
        }
      }
    });
});

describe('the catalog of endpoints', () => {
  it('lists each route of the app exactly once, and nothing else', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    try {
      const app = createApp({
        store,
        logger: createLogger({ level: 'error', write: () => {} }),
        lifecycle: createLifecycle('serving'),
      });
      // Each route appears once per handler (validators, docs, the handler); ALL entries are middleware.
      const routes = new Set(
        app.routes.filter((r) => r.method !== 'ALL').map((r) => routeId(r.method, r.path)),
      );
      const rows = endpoints.map((e) => routeId(e.method, e.path));
      expect(rows.length, 'duplicate rows').toBe(new Set(rows).size);
      expect({
        routesWithoutRow: sorted(routes).filter((r) => !rows.includes(r)),
        rowsWithoutRoute: sorted(rows).filter((r) => !routes.has(r)),
      }).toEqual({ routesWithoutRow: [], rowsWithoutRoute: [] });
    } finally {
      await store.close();
    }
  });

  it('matches /api/openapi.json: every documented endpoint, its success status, its key, 401 and 403', async () => {
    const res = await call('GET', '/api/openapi.json', { key: null });
    expect(res.status).toBe(200);
    const methods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);
    const operations = new Map<string, { responses: Record<string, unknown>; security?: unknown[] }>();
    for (const [path, item] of Object.entries(res.body.paths as Record<string, Record<string, never>>))
      for (const [method, operation] of Object.entries(item))
        if (methods.has(method))
          operations.set(routeId(method, path.replace(/\{(\w+)\}/g, ':$1')), operation);

    const documented = endpoints.filter((e) => e.undocumented === undefined);
    expect(sorted(operations.keys())).toEqual(sorted(documented.map((e) => routeId(e.method, e.path))));
    // Only public endpoints may go undocumented; those that are say why in the catalog.
    expect(endpoints.filter((e) => e.undocumented !== undefined && e.access !== 'public')).toEqual([]);
    // Endpoints that need a key must say so, and document the 401 and 403 they answer.
    const problems = documented.flatMap((endpoint) => {
      const what = routeId(endpoint.method, endpoint.path);
      const operation = operations.get(what)!;
      const statuses = [String(endpoint.success), ...(endpoint.access === 'public' ? [] : ['401', '403'])];
      return [
        ...statuses
          .filter((status) => !(status in operation.responses))
          .map((status) => `${what}: no ${status} response`),
        ...(endpoint.access !== 'public' && (operation.security?.length ?? 0) === 0
          ? [`${what}: security ${JSON.stringify(operation.security)}, but it needs a key`]
          : []),
      ];
    });
    expect(problems).toEqual([]);
  });
});
