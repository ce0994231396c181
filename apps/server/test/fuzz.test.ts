/**
 * Integration: fuzzing every endpoint of the built server (a real process on 127.0.0.1, a real
 * SQLite file) with fast-check. The endpoints come from the served /api/openapi.json (plus the public
 * routes it leaves out), their valid examples from endpoint-catalog.ts; requests mutate those: garbage
 * path parameters and request targets, wrong methods, random query strings, malformed JSON, bodies of
 * the wrong shape, deep nesting, wrong or missing Content-Type, bad If-Match and X-Ensign-Comment,
 * mostly with the admin key and sometimes with no, malformed, revoked or SDK keys.
 *
 * Every answer must be below 500, every error the API's one JSON error shape (OFREP's own error
 * bodies under /ofrep/v1), and a bad key on a route that needs one a 401 (a valid key of the wrong
 * kind a 403). At the end the process is alive, /readyz answers 200 and the server logged no
 * `unhandled error`. A failure reports fast-check's shrunk counterexample (method, path, headers,
 * body) with the seed and path that replay it. The families that vary bodies draw the operations
 * that take one; bodies sent to the others are in the malformed-JSON family.
 *
 * Knobs (environment variables):
 * - ENSIGN_FUZZ_RUNS: requests in all, split between the families below (default 10,000; e.g.
 *   `ENSIGN_FUZZ_RUNS=100000 npx vitest run test/fuzz.test.ts` for a long run).
 * - ENSIGN_FUZZ_SEED: the seed (default fixed, so CI is reproducible; printed at the start). The
 *   server's state is shared by 16 concurrent workers, so a replay repeats the requests, not always
 *   their interleaving; the shrunk counterexample is the precise report.
 *
 * What is not generated, because Node's HTTP parser refuses it before the app runs, with a bare
 * 400 or 431 and no body: request heads over Node's 16 KiB limit, raw bytes over 0x7F in the request
 * target (RFC 3986 allows none; percent-encoded ones are generated), and methods that are not
 * upper-case HTTP tokens. What the HTTP adapter (@hono/node-server) refuses, raw backslashes in the
 * path, is generated: main.ts answers it 400 in the one error shape, whatever the credential.
 */
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, printedKeys } from './api-client.js';
import { createFixtures, type Example, endpoints, fillPath } from './endpoint-catalog.js';
import { kill, type ServerProcess, startServer } from './server-process.js';

const totalRuns = wholeNumber('ENSIGN_FUZZ_RUNS', 10_000);
const seed = wholeNumber('ENSIGN_FUZZ_SEED', 20_261_128);
const concurrency = 16;

function wholeNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new Error(`${name} must be a whole number, not ${raw}`);
  return value;
}

// ——— the server and what the generators draw from ———

let dir: string;
let server: ServerProcess;
/** `Authorization` values by the label a generated request carries. */
let credentials: Record<Credential, string | undefined>;
let operations: Operation[];
/** Valid values of each path parameter, from the examples. */
let validParams: Map<string, string[]>;
/** Ids of the keys the fuzzer authenticates with, which no generated DELETE may name. */
let protectedKeyIds = new Set<string>();
let sent = 0;
/** Request id → the request, described (bodies shortened), to name the request behind a log line. */
const byRequestId = new Map<string, string>();

const credentialLabels = [
  'admin',
  'none',
  'malformed',
  'unknown',
  'admin secret without Bearer',
  'revoked admin',
  'server SDK',
  'client SDK',
] as const;
type Credential = (typeof credentialLabels)[number];
/** The credentials that are no key at all: 401 from anything that needs one. */
const invalid = new Set<Credential>([
  'none',
  'malformed',
  'unknown',
  'admin secret without Bearer',
  'revoked admin',
]);
const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** What `auth` must get from `path` (as routed): admin routes need admin keys, SDK routes SDK keys. */
function expectedDenial(auth: Credential, path: string): number | undefined {
  const admin = under(path, '/api/v1');
  const sdk = under(path, '/sdk/v1') || under(path, '/ofrep/v1');
  if (!admin && !sdk) return undefined;
  if (invalid.has(auth)) return 401;
  if (admin && (auth === 'server SDK' || auth === 'client SDK')) return 403;
  if (sdk && auth === 'admin') return 403;
  return undefined;
}

interface Operation {
  method: string;
  /** Hono's template, `/api/v1/projects/:project`. */
  template: string;
  params: string[];
  query: string[];
  example: Example;
  /** The example body as JSON text (undefined without one). */
  exampleText: string | undefined;
}

/**
 * A request body: a string is sent as UTF-8, bytes as they are. Printed shortened in reports (a
 * counterexample of 1 MiB would drown the log).
 */
interface Payload {
  data: string | Uint8Array;
  [fc.toStringMethod]: () => string;
}

function payload(data: string | Uint8Array): Payload {
  const show = () => {
    if (typeof data !== 'string') {
      const hex = Buffer.from(data.subarray(0, 48)).toString('hex');
      return `${data.length} bytes: ${hex}${data.length > 48 ? '…' : ''}`;
    }
    if (data.length <= 600) return JSON.stringify(data);
    return `${JSON.stringify(data.slice(0, 300))} … ${JSON.stringify(data.slice(-100))} (${data.length} characters)`;
  };
  return { data, [fc.toStringMethod]: show };
}

/** One generated request, printed as the counterexample when it fails. */
interface FuzzRequest {
  method: string;
  /** The request target as sent on the wire (already percent-encoded where it is meant to be). */
  path: string;
  auth: Credential;
  headers: Record<string, string>;
  body?: Payload;
  /** What was done to the example body, for a readable report. */
  mutations?: string[];
}

beforeAll(async () => {
  console.log(
    `fuzz: ${totalRuns} requests, seed ${seed} (replay with ENSIGN_FUZZ_SEED=${seed} ENSIGN_FUZZ_RUNS=${totalRuns})`,
  );
  dir = mkdtempSync(join(fastTmpdir(), 'ensign-fuzz-'));
  server = await startServer(join(dir, 'ensign.db'));
  const keys = printedKeys(server.stderr());
  const admin = keys.get('admin')!;
  const call = apiClient(server, admin);
  const fixtures = await createFixtures(call, 'default', 'fuzz');
  const revoked = await call('POST', '/api/v1/api-keys', { body: { kind: 'admin', name: 'fuzz revoked' } });
  expect((await call('DELETE', `/api/v1/api-keys/${revoked.body.id}`)).status).toBe(200);
  credentials = {
    admin: `Bearer ${admin}`,
    none: undefined,
    malformed: 'Bearer not-a-key',
    unknown: `Bearer ens_adm_${'A'.repeat(43)}`,
    'admin secret without Bearer': admin,
    'revoked admin': `Bearer ${revoked.body.secret}`,
    'server SDK': `Bearer ${keys.get('development server SDK')!}`,
    'client SDK': `Bearer ${keys.get('development client SDK')!}`,
  };

  // The keys the fuzzer authenticates with must survive it: a DELETE /api-keys/{id} it generates
  // must never name one of them (else later requests would all be 401 and test nothing).
  const keyList = (await call('GET', '/api/v1/api-keys')).body.items as Array<{ id: number; name: string }>;
  const kept = new Set(['admin', 'development server SDK', 'development client SDK']);
  protectedKeyIds = new Set(keyList.filter((k) => kept.has(k.name)).map((k) => String(k.id)));

  const doc = (await call('GET', '/api/openapi.json', { key: null })).body as OpenApiDocument;
  operations = await operationsOf(doc, async (method, template) => {
    const endpoint = endpoints.find((e) => e.method === method && e.path === template);
    if (endpoint === undefined)
      throw new Error(`no example in endpoint-catalog.ts for ${method} ${template}`);
    return endpoint.example(fixtures);
  });
  validParams = new Map();
  for (const op of operations)
    for (const [name, value] of Object.entries(op.example.params ?? {}))
      validParams.set(name, [...new Set([...(validParams.get(name) ?? []), value])]);
}, 60_000);

/**
 * A temp dir in memory when there is one (/dev/shm on Linux): the fuzzer tests the HTTP surface, not
 * durability, and with synchronous=FULL every successful write waits for an fsync, which on a disk
 * would make thousands of requests take minutes. It is still a real SQLite file with its WAL.
 */
function fastTmpdir(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    // No /dev/shm (macOS, Windows): the usual temp dir, slower.
    return tmpdir();
  }
}

afterAll(async () => {
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: unknown }>
  >;
}

const httpMethods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** The operations of the document, and the public routes it does not describe (from the catalog). */
async function operationsOf(
  doc: OpenApiDocument,
  exampleOf: (method: string, template: string) => Promise<Example>,
): Promise<Operation[]> {
  const found: Array<{ method: string; template: string; query: string[] }> = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) {
      if (!httpMethods.includes(method)) continue;
      const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      found.push({ method: method.toUpperCase(), template: path.replace(/\{(\w+)\}/g, ':$1'), query });
    }
  for (const e of endpoints)
    if (e.undocumented !== undefined) found.push({ method: e.method, template: e.path, query: [] });
  const result: Operation[] = [];
  for (const { method, template, query } of found) {
    const example = await exampleOf(method, template);
    result.push({
      method,
      template,
      params: [...template.matchAll(/:(\w+)/g)].map((m) => m[1]!),
      query,
      example,
      exampleText: example.body === undefined ? undefined : JSON.stringify(example.body),
    });
  }
  return result;
}

// ——— sending ———

type Answer =
  | { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; body: string }
  | { kind: 'error'; code: string; message: string; reusedSocket: boolean };

/**
 * One worker's connection: a keep-alive agent with a single socket, so that the worker's requests
 * follow each other on one connection and a request that spoils it is the one just before.
 */
interface Connection {
  agent: Agent;
  previous?: FuzzRequest;
}

/** Socket errors after the request on the socket was answered (e.g. EPIPE writing a refused body). */
const lateSocketErrors: string[] = [];
const watchedSockets = new WeakSet<Socket>();

/** Sends `r` as it is (no URL normalisation) and resolves with what came back; never rejects. */
function send(r: FuzzRequest, requestId: string, connection: Connection): Promise<Answer> {
  sent++;
  byRequestId.set(requestId, describeRequest(r));
  const url = new URL(server.url);
  const body = r.body === undefined ? undefined : Buffer.from(r.body.data);
  const headers: Record<string, string> = { ...r.headers, 'X-Request-Id': requestId };
  const authorization = credentials[r.auth];
  if (authorization !== undefined) headers.Authorization = authorization;
  if (body !== undefined) headers['Content-Length'] = String(body.length);
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: Answer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers,
        agent: connection.agent,
      },
      (res) => {
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          // An SDK stream never ends: its status and headers are the answer.
          done({ kind: 'response', status: res.statusCode ?? 0, headers: res.headers, body: '' });
          res.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (e: NodeJS.ErrnoException) =>
          done({ kind: 'error', code: e.code ?? '', message: e.message, reusedSocket: req.reusedSocket }),
        );
        res.on('end', () =>
          done({
            kind: 'response',
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('socket', (socket) => {
      if (watchedSockets.has(socket)) return;
      watchedSockets.add(socket);
      // Errors while a request is on the socket reach `req`; later ones would crash the test process.
      socket.on('error', (e: NodeJS.ErrnoException) => {
        if (settled)
          lateSocketErrors.push(`${e.code ?? e.message} after ${r.method} ${r.path.slice(0, 100)}`);
      });
    });
    req.setTimeout(15_000, () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', (e: NodeJS.ErrnoException) =>
      done({ kind: 'error', code: e.code ?? '', message: e.message, reusedSocket: req.reusedSocket }),
    );
    req.end(body);
  });
}

// ——— judging an answer ———

/** The path Hono routes on: the URL's (dot segments resolved), with valid %XX runs decoded as decodeURI does. */
function routedPath(target: string): string {
  const path = new URL(target, 'http://fuzz').pathname;
  return path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURI(run);
    } catch {
      // Like Hono's tryDecodeURI: a run that is not UTF-8 is routed on as it was sent.
      return run;
    }
  });
}

const describeRequest = (r: FuzzRequest) => {
  const body = r.body === undefined ? 'no body' : `the body ${r.body[fc.toStringMethod]()}`;
  return `${r.method} ${r.path.slice(0, 300)} with ${body} and the ${r.auth} credential`;
};

function fail(r: FuzzRequest, answer: Answer, problem: string, previous?: FuzzRequest): never {
  const detail =
    answer.kind === 'error'
      ? `${answer.code} ${answer.message}${answer.reusedSocket ? ' on a reused keep-alive connection' : ''}`
      : `${answer.status} ${JSON.stringify(answer.headers['content-type'])} ${answer.body.slice(0, 500)}`;
  const before =
    answer.kind === 'error' && answer.reusedSocket && previous !== undefined
      ? `\n  the request before it on that connection: ${describeRequest(previous)}`
      : '';
  // A server that died says why on stderr: show its last words.
  const died =
    server?.child.exitCode !== null && server !== undefined
      ? `\n  the server exited (${server.child.exitCode}); stderr ends: ${server.stderr().slice(-1500)}`
      : '';
  throw new Error(`${problem}\n  request: ${describeRequest(r)}\n  answer: ${detail}${before}${died}`);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{ "error": { "code", "message", "issues"?: [{ "path", "message" }] } }` and nothing else. */
function isErrorShape(body: unknown): boolean {
  if (!isRecord(body) || Object.keys(body).join() !== 'error' || !isRecord(body.error)) return false;
  const { code, message, issues, ...rest } = body.error;
  if (Object.keys(rest).length > 0 || typeof code !== 'string' || code === '') return false;
  if (typeof message !== 'string' || message === '') return false;
  if (issues === undefined) return true;
  return (
    Array.isArray(issues) &&
    issues.every(
      (i) => isRecord(i) && Object.keys(i).sort().join() === 'message,path' && typeof i.path === 'string',
    )
  );
}

const ofrepCodes = new Set([
  'PARSE_ERROR',
  'TARGETING_KEY_MISSING',
  'INVALID_CONTEXT',
  'FLAG_NOT_FOUND',
  'TYPE_MISMATCH',
  'GENERAL',
]);

/** OFREP's own evaluation errors (`{ key?, errorCode, errorDetails? }`), which /ofrep/v1 answers by its spec. */
function isOfrepError(body: unknown): boolean {
  if (!isRecord(body)) return false;
  const { key, errorCode, errorDetails, ...rest } = body;
  return (
    Object.keys(rest).length === 0 &&
    typeof errorCode === 'string' &&
    ofrepCodes.has(errorCode) &&
    (key === undefined || typeof key === 'string') &&
    (errorDetails === undefined || typeof errorDetails === 'string')
  );
}

function judge(r: FuzzRequest, answer: Answer, previous: FuzzRequest | undefined): void {
  if (answer.kind === 'error') fail(r, answer, 'no answer (did the server crash?)', previous);
  if (answer.status >= 500) fail(r, answer, 'server error');
  const type = String(answer.headers['content-type'] ?? '');
  if (answer.status >= 400) {
    if (!/^application\/json\b/.test(type)) fail(r, answer, 'an error that is not JSON');
    if (r.method !== 'HEAD') {
      let body: unknown;
      try {
        body = JSON.parse(answer.body);
      } catch {
        fail(r, answer, 'an error body that does not parse');
      }
      const ofrep = under(routedPath(r.path), '/ofrep/v1') && isOfrepError(body);
      if (!isErrorShape(body) && !ofrep) fail(r, answer, 'an error body not in the one error shape');
    }
  }
  // The adapter refuses a raw backslash in the path before any route or key is looked at.
  if (r.path.split('?')[0]!.includes('\\')) {
    if (answer.status !== 400) fail(r, answer, 'a raw backslash in the path must get 400');
    return;
  }
  const routed = routedPath(r.path);
  const expected = expectedDenial(r.auth, routed);
  if (expected !== undefined && answer.status !== expected)
    fail(r, answer, `${r.auth} must get ${expected} from ${routed.slice(0, 200)}`);
}

// ——— generators ———

const unreserved = /[A-Za-z0-9\-._~]/;
/** UTF-8 percent-encoding of everything but unreserved characters (lone surrogates become U+FFFD). */
const percentEncode = (text: string): string =>
  [...Buffer.from(text, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      return unreserved.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');

/** Repeats `unit` up to about `length` characters. */
const repeatTo = (unit: string, length: number) => unit.repeat(Math.max(1, Math.floor(length / unit.length)));

/** Whitespace-separated words (for lists of odd values without spaces). */
const words = (text: string) => text.trim().split(/\s+/);

/** Path segments as sent on the wire: special, encoded unicode, long, numeric. */
const oddSegment = fc.constantFrom(
  '',
  ...words(`.. . %2e%2e %2E. %00 a%00b %2F %2f..%2f ..%2F..%2F..%2Flivez %5C % %zz %E0%A4%A %C0%AF %FF%FE %25
    %u0000 %20 + ~ * ' ! $ & , ; = : @ null undefined NaN Infinity -1 0 00 1.5 1e3 0x10 9007199254740993
    99999999999999999999 __proto__ constructor prototype hasOwnProperty %F0%9F%98%80 DEFAULT default%20`),
);

const garbageSegment = fc.oneof(
  { weight: 4, arbitrary: oddSegment },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }).map(percentEncode) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }).map(percentEncode) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 65, max: 2_500 }), fc.constantFrom('a', '-', '%C3%A9', '%2F', '..', '%00'))
      .map(([length, unit]) => repeatTo(unit, length)),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt()).map((n) => percentEncode(String(n))),
  },
  {
    weight: 1,
    arbitrary: fc.array(oddSegment, { minLength: 2, maxLength: 4 }).map((parts) => parts.join('')),
  },
);

/** A value for `:name`: one that exists (so deeper code runs) or garbage. */
const paramValue = (name: string) => {
  const valid = (validParams.get(name) ?? []).map(percentEncode);
  const value =
    valid.length === 0
      ? garbageSegment
      : fc.oneof(
          { withCrossShrink: true },
          { weight: 1, arbitrary: fc.constantFrom(...valid) },
          garbageSegment,
        );
  return name === 'id' ? value.filter((v) => !protectedKeyIds.has(v)) : value;
};

/** Raw request-target characters the client would normally encode, and dot segments. */
const rawPieces = ['', ...words('.. . / // /../ /./ " < > ` { } | ^ [ ] # ? % ;')];
const rawSegment = (pieces: string[]) =>
  fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(''));

/** Path parameters that are (or are empty, or contain) one of `pieces` before or after a valid value. */
const rawParams = (pieces: string[]) => (op: Operation) =>
  fc.tuple(
    ...op.params.map((name) =>
      fc
        .tuple(fc.constantFrom('', ...(validParams.get(name) ?? [])), rawSegment(pieces), fc.boolean())
        .map(([valid, raw, before]) => (before ? raw + valid : valid + raw)),
    ),
  );

const queryValue = fc.oneof(
  fc.constantFrom(
    '',
    ...words(`1 2 5 0 -1 101 1.5 1e3 1e999 NaN Infinity true false all maybe flag flag_config segment development
      nope 2020-01-01T00:00:00Z 2020-13-45T99:99:99Z yesterday 9007199254740993 % %zz %00`),
  ),
  fc.string({ unit: 'binary', maxLength: 20 }).map(percentEncode),
  fc.integer({ min: 100, max: 2_000 }).map((n) => 'q'.repeat(n)),
);

const queryArb = (names: string[]) => {
  const key = fc.oneof(
    fc.constantFrom(
      ...names,
      ...words('limit before from to archived tag kind key actor since until environment'),
    ),
    fc.constantFrom('__proto__', 'constructor', 'a[b]', 'limit[]', ''),
    fc.string({ maxLength: 10 }).map(percentEncode),
  );
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 3, arbitrary: fc.constant('') },
    {
      weight: 6,
      arbitrary: fc
        .array(fc.tuple(key, queryValue), { minLength: 1, maxLength: 6 })
        .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...words('? ?% ?&&& ?= ?== ?a ?&limit ?limit ?limit=1&limit=2 ??')),
    },
  );
};

/** Latin-1 text without control characters: what a header value may carry. */
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((c) => c !== 0x7f && (c < 0x80 || c >= 0xa0))
      .map((c) => String.fromCharCode(c)),
    maxLength,
  });

const ifMatchArb = fc.oneof(
  fc.constantFrom(
    '"1", "2"',
    ' "1" ',
    ...words('"1" "2" "3" W/"1" * "0" "-1" "1e3" "99999999999999999999" "999999999999999" "" " W/ abc'),
  ),
  headerText(40),
);

const commentArb = fc.oneof(
  headerText(80),
  fc.string({ unit: 'binary', maxLength: 120 }).map(percentEncode),
  fc.constantFrom('%', '%E0%A4%A', '%00', '%FF', '%%%', '%25'),
  fc.integer({ min: 400, max: 1_500 }).map((n) => 'c'.repeat(n)),
  fc.integer({ min: 80, max: 250 }).map((n) => percentEncode('é'.repeat(n))),
);

const contentTypeArb = fc.oneof(
  { weight: 8, arbitrary: fc.constant<string | undefined>('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | undefined>(
      undefined,
      '',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      ...words(`text/plain application/x-www-form-urlencoded application/json;charset=UTF-8 APPLICATION/JSON
        application/vnd.api+json application/merge-patch+json application/jsonx json application/ */*`),
    ),
  },
  { weight: 1, arbitrary: headerText(30) },
);

const methodArb = (method: string) =>
  fc.oneof(
    { withCrossShrink: true },
    { weight: 8, arbitrary: fc.constant(method) },
    {
      weight: 2,
      arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'),
    },
  );

const authArb = fc.oneof(
  { withCrossShrink: true },
  { weight: 17, arbitrary: fc.constant<Credential>('admin') },
  { weight: 3, arbitrary: fc.constantFrom<Credential>(...credentialLabels.filter((c) => c !== 'admin')) },
);

/** `arb` with probability `p`, otherwise undefined. */
const sometimes = <T>(arb: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | undefined> =>
  fc.oneof(
    // Shrinks towards leaving it out.
    { withCrossShrink: true },
    { weight: Math.round((1 - p) * 24), arbitrary: fc.constant(undefined) },
    { weight: Math.round(p * 24), arbitrary: arb },
  );

/** Header sets of a request: Content-Type when it has a body, sometimes If-Match and a comment. */
const headersArb = (withBody: boolean) =>
  fc
    .record({
      contentType: withBody ? contentTypeArb : sometimes(contentTypeArb, 1 / 8),
      ifMatch: sometimes(ifMatchArb, 1 / 3),
      comment: sometimes(commentArb, 1 / 3),
    })
    .map(({ contentType, ifMatch, comment }) => ({
      ...(contentType !== undefined && { 'Content-Type': contentType }),
      ...(ifMatch !== undefined && { 'If-Match': ifMatch }),
      ...(comment !== undefined && { 'X-Ensign-Comment': comment }),
    }));

// ——— bodies ———

/** A string value that stands for raw JSON text (`1e400`, deep nesting) once the body is serialised. */
const RAW = '\u0000raw:';
const serialise = (value: unknown): string =>
  (JSON.stringify(value) ?? 'undefined').replace(/"\\u0000raw:(?:[^"\\]|\\.)*"/g, (quoted) =>
    (JSON.parse(quoted) as string).slice(RAW.length),
  );

/** Values of the wrong type or size for any field. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(null, true, false, [], {}, [[]], [null], '', ' ', '١٢'),
  fc.constantFrom(
    0,
    -0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 31,
    2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
  ),
  // Strings that parse as numbers somewhere, and numbers JavaScript cannot hold.
  fc.constantFrom(...words('NaN Infinity -Infinity -0 1e999 0x1F true null [] {}')),
  fc.constantFrom(
    ...words('1e400 -1e400 123456789012345678901234567890 1.0000000000000000000001 -0.0 1E+2').map(
      (n) => RAW + n,
    ),
  ),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 50, max: 1_000 }).map((n) => Array.from({ length: n }, (_, i) => `k${i}`)),
  fc.integer({ min: 2, max: 64 }).map((depth) => `${RAW}${'['.repeat(depth)}1${']'.repeat(depth)}`),
);

/**
 * JSON text nested 1 to 100,000 deep (at most 600 KB), built as text: JSON.stringify itself would
 * overflow the stack. How deep a recursive validator can go depends on how warm its JIT-compiled code
 * is (fewer, smaller frames), so the depths go far beyond the ~2,000 that overflows a cold server.
 */
const deepValue = fc
  .tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('array', 'object', 'mixed'))
  .map(([depth, shape]) => {
    const open = shape === 'array' ? '[' : shape === 'object' ? '{"a":' : '[{"a":';
    const close = shape === 'array' ? ']' : shape === 'object' ? '}' : '}]';
    const levels = shape === 'mixed' ? Math.ceil(depth / 2) : depth;
    return `${RAW}${open.repeat(levels)}1${close.repeat(levels)}`;
  });

const extraKey = fc.constantFrom(
  '',
  'key ',
  ...words('extra __proto__ constructor prototype KEY version on id'),
);

type Json = unknown;
type Step = (string | number)[];

/** Every place in `doc`: the root, each member and each element. */
function placesIn(doc: Json, at: Step = []): Step[] {
  const places: Step[] = [at];
  const children: Array<[string | number, Json]> = Array.isArray(doc)
    ? doc.map((v, i) => [i, v])
    : isRecord(doc)
      ? Object.entries(doc)
      : [];
  for (const [step, child] of children) places.push(...placesIn(child, [...at, step]));
  return places;
}

interface Mutation {
  op: 'replace' | 'delete' | 'extra' | 'wrap';
  at: number;
  value: unknown;
  key: string;
}

/** Applies `m` to a copy of `doc`; returns the new document and what was done. */
function mutate(doc: Json, m: Mutation): { doc: Json; label: string } {
  const places = placesIn(doc);
  const place = places[m.at % places.length]!;
  const where = place.length === 0 ? '(body)' : place.join('.');
  const copy = structuredClone(doc);
  const show = (v: unknown) => {
    const text = typeof v === 'string' && v.startsWith(RAW) ? v.slice(RAW.length) : JSON.stringify(v);
    return text === undefined
      ? String(v)
      : text.length > 60
        ? `${text.slice(0, 60)}… (${text.length} chars)`
        : text;
  };
  const set = (target: Json, key: string | number, value: unknown) =>
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  if (place.length === 0) {
    if (m.op === 'extra' && isRecord(copy)) {
      set(copy, m.key, m.value);
      return { doc: copy, label: `${where}.${m.key} += ${show(m.value)}` };
    }
    if (m.op === 'wrap') return { doc: [copy], label: 'body wrapped in an array' };
    return { doc: m.value, label: `body = ${show(m.value)}` };
  }
  const parent = place
    .slice(0, -1)
    .reduce<Json>((node, step) => (node as Record<string, Json>)[step], copy) as
    | Record<string, Json>
    | Json[];
  const last = place.at(-1)!;
  const old = (parent as Record<string, Json>)[last];
  switch (m.op) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last as string];
      return { doc: copy, label: `${where} deleted` };
    case 'extra':
      if (isRecord(old)) {
        set(old, m.key, m.value);
        return { doc: copy, label: `${where}.${m.key} += ${show(m.value)}` };
      }
      set(parent, last, m.value);
      return { doc: copy, label: `${where} = ${show(m.value)}` };
    case 'wrap':
      set(parent, last, [old]);
      return { doc: copy, label: `${where} wrapped in an array` };
    default:
      set(parent, last, m.value);
      return { doc: copy, label: `${where} = ${show(m.value)}` };
  }
}

const mutationArb = (value: fc.Arbitrary<unknown>) =>
  fc.record({
    op: fc.constantFrom<Mutation['op']>('replace', 'replace', 'delete', 'extra', 'wrap'),
    at: fc.nat(),
    value,
    key: extraKey,
  });

/** The example body (or `{}`) with 1–3 mutations. */
const mutatedBody = (op: Operation, value: fc.Arbitrary<unknown>, maxMutations = 3) =>
  fc.array(mutationArb(value), { minLength: 1, maxLength: maxMutations }).map((mutations) => {
    let doc: Json = op.example.body ?? {};
    const labels: string[] = [];
    for (const m of mutations) {
      const next = mutate(doc, m);
      doc = next.doc;
      labels.push(next.label);
    }
    return { body: serialise(doc), mutations: labels };
  });

const malformedJson = [
  '',
  ' ',
  '\n',
  '\u0000',
  '{"a" 1}',
  ...words(`{ } [ {"a": nul tru "unterminated {"key":"x",} {'key':'x'} NaN Infinity - 1e 0x10 []] {"a":"\\u00"}
    {"a":"\\ud800"} {"a":1}{"b":2} undefined {"__proto__":{"polluted":true}}`),
];

// ——— requests ———

interface Parts {
  op: Operation;
  params: string[];
  method: string;
  query: string;
  auth: Credential;
  headers: Record<string, string>;
}

/** An operation with its path parameters, method, query, credential and headers drawn. */
const partsArb = (
  params: (op: Operation) => fc.Arbitrary<string[]>,
  sendsBody: (op: Operation) => boolean,
  which: (op: Operation) => boolean = () => true,
) =>
  fc.constantFrom(...operations.filter(which)).chain((op) =>
    fc.record({
      op: fc.constant(op),
      params: params(op),
      method: methodArb(op.method),
      query: queryArb(op.query),
      auth: authArb,
      headers: headersArb(sendsBody(op)),
    }),
  );

const requestOf = (p: Parts, body?: { body: string | Uint8Array; mutations?: string[] }): FuzzRequest => {
  const values = Object.fromEntries(p.op.params.map((name, i) => [name, p.params[i]!]));
  return {
    method: p.method,
    path: fillPath(p.op.template, values, true) + p.query,
    auth: p.auth,
    headers: p.headers,
    ...(body !== undefined && { body: payload(body.body) }),
    ...(body?.mutations !== undefined && { mutations: body.mutations }),
  };
};

const validOrGarbageParams = (op: Operation) => fc.tuple(...op.params.map(paramValue));
const exampleParams = (op: Operation) =>
  fc.oneof(
    { withCrossShrink: true },
    {
      weight: 4,
      arbitrary: fc.constant(op.params.map((name) => percentEncode(op.example.params?.[name] ?? ''))),
    },
    { weight: 1, arbitrary: validOrGarbageParams(op) },
  );

interface Family {
  name: string;
  /** Its part of ENSIGN_FUZZ_RUNS. */
  share: number;
  arb: () => fc.Arbitrary<FuzzRequest>;
  /** After each request, check that its connection still serves the next one. */
  followUp?: boolean;
}

const withBody = (op: Operation) => op.exampleText !== undefined;
const bodyOf = (op: Operation) => (op.exampleText === undefined ? undefined : { body: op.exampleText });

/** The families of the fuzz, each its own property, so that one bug does not hide the others. */
const families: Family[] = [
  {
    name: 'garbage path parameters, wrong methods, random queries and headers',
    share: 0.28,
    arb: () =>
      partsArb(validOrGarbageParams, withBody).chain((p) =>
        withBody(p.op)
          ? fc.constant(requestOf(p, bodyOf(p.op)))
          : sometimes(fc.constant({ body: '{}' }), 1 / 8).map((b) => requestOf(p, b)),
      ),
  },
  {
    name: 'raw request targets: dot segments and characters a client would encode',
    share: 0.08,
    arb: () => partsArb(rawParams(rawPieces), withBody).map((p) => requestOf(p, bodyOf(p.op))),
  },
  {
    name: 'backslashes in the request target',
    share: 0.02,
    arb: () =>
      partsArb(rawParams(['\\', 'a\\b', '\\..', '..\\..\\', '%5C\\']), withBody).map((p) =>
        requestOf(p, bodyOf(p.op)),
      ),
  },
  {
    name: 'malformed JSON, wrong or missing Content-Type',
    share: 0.2,
    arb: () =>
      partsArb(exampleParams, () => true).chain((p) => {
        const text = p.op.exampleText ?? '{}';
        return fc
          .oneof(
            { weight: 4, arbitrary: fc.constantFrom(...malformedJson) },
            { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
            {
              weight: 2,
              arbitrary: fc.string({ unit: fc.constantFrom(...'{}[]:,"1a\\ nultre-.e0'), maxLength: 60 }),
            },
            { weight: 3, arbitrary: fc.nat({ max: text.length }).map((k) => text.slice(0, k)) },
            { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 8 }).map((tail) => text + tail) },
            { weight: 1, arbitrary: fc.constant(`\uFEFF${text}`) },
            { weight: 3, arbitrary: fc.constant(text) },
            { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 200 }) },
          )
          .map((body) => requestOf(p, { body }));
      }),
  },
  {
    name: 'bodies over the 1 MiB limit, on a keep-alive connection',
    share: 0.02,
    followUp: true,
    arb: () =>
      partsArb(exampleParams, () => true).chain((p) =>
        fc
          .integer({ min: 1024 * 1024 + 1, max: 1_200_000 })
          .map((n) => requestOf(p, { body: `{"name":"${'x'.repeat(n - 11)}"}` })),
      ),
  },
  {
    name: 'bodies of the wrong shape: wrong types, missing and extra fields, huge numbers, long strings',
    share: 0.3,
    arb: () =>
      partsArb(exampleParams, () => true, withBody).chain((p) =>
        fc
          .oneof(
            { weight: 6, arbitrary: mutatedBody(p.op, wrongValue) },
            { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ body: serialise(v) })) },
            { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }).map((v) => ({ body: serialise(v) })) },
          )
          .map((body) => requestOf(p, body)),
      ),
  },
  {
    name: 'deeply nested JSON in any field',
    share: 0.1,
    arb: () =>
      partsArb(exampleParams, () => true, withBody).chain((p) =>
        mutatedBody(p.op, deepValue, 1).map((body) => requestOf(p, body)),
      ),
  },
];

// ——— running ———

/** Whether the request line and headers stay well under Node's 16 KiB limit (see the top comment). */
const fitsNodeHeadLimit = (r: FuzzRequest) =>
  r.path.length + Object.entries(r.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0) < 14_000;

/**
 * Runs `runs` requests of `family` through `concurrency` workers, each its own fast-check property
 * with its own seed and connection, so that 16 requests are in flight at a time. Once a worker has
 * found a counterexample, the others stop sending (their remaining runs pass at once: the family has
 * failed already), so that its shrinking is quick and not disturbed.
 */
async function fuzz(index: number, family: Family, runs: number): Promise<void> {
  const arb = family.arb().filter(fitsNodeHeadLimit);
  const perWorker = Math.ceil(runs / concurrency);
  let n = 0;
  let failing: number | undefined;
  const connections: Connection[] = Array.from({ length: concurrency }, () => ({
    agent: new Agent({ keepAlive: true, maxSockets: 1 }),
  }));
  const property = (connection: Connection, worker: number) =>
    fc.asyncProperty(arb, async (r) => {
      if (failing !== undefined && failing !== worker) return;
      try {
        const previous = connection.previous;
        connection.previous = r;
        judge(r, await send(r, `fuzz-${index}-${worker}-${++n}`, connection), previous);
        if (family.followUp !== true) return;
        const probe: FuzzRequest = { method: 'GET', path: '/livez', auth: 'none', headers: {} };
        connection.previous = probe;
        const next = await send(probe, `fuzz-${index}-${worker}-${++n}`, connection);
        if (next.kind === 'error' || next.status !== 200)
          fail(probe, next, 'the connection did not serve the next request', r);
      } catch (error) {
        failing ??= worker;
        throw error;
      }
    });
  const results = await Promise.allSettled(
    connections.map((connection, worker) =>
      fc.assert(property(connection, worker), {
        seed: seed + index * 1_000 + worker,
        numRuns: perWorker,
        includeErrorInReport: true,
      }),
    ),
  );
  for (const connection of connections) connection.agent.destroy();
  // The worker that failed first was left to shrink its counterexample: report it first.
  const order =
    failing === undefined ? results : [results[failing]!, ...results.filter((_, i) => i !== failing)];
  const failures = order.flatMap((r) =>
    r.status === 'rejected' ? [String((r.reason as Error).message)] : [],
  );
  if (failures.length > 0)
    throw new Error(
      `${failures.length} of ${concurrency} workers found a counterexample. The first:\n\n${failures[0]}` +
        (failures.length > 1
          ? `\n\nThe others' errors:\n${failures
              .slice(1)
              .map((f) => `- ${/Got error: (.*)/.exec(f)?.[1] ?? f.split('\n')[0]}`)
              .join('\n')}`
          : ''),
    );
}

describe('fuzzing every endpoint', () => {
  families.forEach((family, index) => {
    const runs = Math.round(totalRuns * family.share);
    it(
      `${family.name}: ${runs} requests`,
      async () => {
        const before = sent;
        const started = performance.now();
        try {
          await fuzz(index, family, runs);
        } finally {
          console.log(
            `fuzz family ${index}: ${sent - before} requests in ${Math.round(performance.now() - started)} ms`,
          );
        }
        expect(sent - before).toBeGreaterThanOrEqual(runs);
      },
      Math.max(120_000, runs * 20),
    );
  });

  it('left the server alive, ready, and without an unhandled error', async () => {
    expect(server.child.exitCode).toBeNull();
    expect(server.child.signalCode).toBeNull();
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    // One line per distinct error and route, with how often and the first request that caused it.
    const unhandled = new Map<string, { count: number; request: string }>();
    for (const line of server.lines.filter((l) => l.msg === 'unhandled error')) {
      const error = line.error as { name?: string; message?: string } | undefined;
      const what = `${line.method} ${String(line.path).slice(0, 120)}: ${error?.name}: ${error?.message}`;
      const seen = unhandled.get(what) ?? {
        count: 0,
        request: byRequestId.get(String(line.requestId)) ?? '?',
      };
      unhandled.set(what, { ...seen, count: seen.count + 1 });
    }
    expect(
      [...unhandled].map(([what, { count, request }]) => `${count}× ${what} (first: ${request})`),
    ).toEqual([]);
    expect(server.nonJson).toEqual([]);
    if (lateSocketErrors.length > 0)
      console.log(`socket errors after an answer: ${lateSocketErrors.length}, e.g. ${lateSocketErrors[0]}`);
  });
});

/**
 * What the fuzzer found, each as one precise request (they run after the fuzzing, so that its
 * end-of-run checks see only its own requests).
 */
describe('found by fuzzing', () => {
  let number = 0;
  const one = async (r: FuzzRequest): Promise<Answer> => {
    const connection: Connection = { agent: new Agent({ keepAlive: true, maxSockets: 1 }) };
    try {
      return await send(r, `regression-${++number}`, connection);
    } finally {
      connection.agent.destroy();
    }
  };
  /** The `unhandled error` the server logged for request `id`, if any (it may trail the response). */
  const logged = (id: string) =>
    server
      .waitForLine((l) => l.msg === 'unhandled error' && l.requestId === id, 1_000)
      .then((l) => JSON.stringify(l.error).slice(0, 300))
      .catch(() => 'no log line');

  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const config = '/api/v1/projects/default/environments/development/flags/fuzz-flag';
  const clause = (values: string) => `[{"attribute":"a","op":"in","values":[${values}]}]`;
  it.each([
    [
      'POST …/flags, in variations',
      'POST',
      '/api/v1/projects/default/flags',
      (d: string) => `{"key":"deep","name":"deep","type":"json","variations":[${d}]}`,
    ],
    [
      'PUT …/flags/{flag} (config), in variations',
      'PUT',
      config,
      (d: string) =>
        `{"type":"boolean","on":true,"variations":[true,${d}],"offVariation":0,"fallthrough":{"variation":0}}`,
    ],
    [
      'PUT …/flags/{flag} (config), in a clause’s values',
      'PUT',
      config,
      (d: string) =>
        `{"type":"boolean","on":true,"variations":[true,false],"offVariation":0,"fallthrough":{"variation":0},"rules":[{"id":"r","clauses":${clause(d)},"serve":{"variation":0}}]}`,
    ],
    [
      'PUT …/segments/{segment}, in a clause’s values',
      'PUT',
      '/api/v1/projects/default/environments/development/segments/deep',
      (d: string) => `{"rules":[{"clauses":${clause(d)}}]}`,
    ],
  ])('%s: a JSON value nested 100,000 deep is a 4xx, not a 500', async (_, method, path, body) => {
    const r: FuzzRequest = {
      method,
      path,
      auth: 'admin',
      headers: { 'Content-Type': 'application/json', 'If-Match': '"1"' },
      // ~2,000 overflows a cold server; 100,000 (200 KB) also one whose validators are JIT-compiled.
      body: payload(body(nested(100_000))),
    };
    const answer = await one(r);
    const status = answer.kind === 'response' ? answer.status : answer.code;
    const id = `regression-${number}`;
    expect(status, `${describeRequest(r)}: ${status === 500 ? await logged(id) : ''}`).toBe(422);
  });

  it('a raw backslash in the request target is answered in the JSON error shape, not a bare 400', async () => {
    const r: FuzzRequest = { method: 'GET', path: '/api/v1/projects/a\\b', auth: 'admin', headers: {} };
    const answer = await one(r);
    expect(answer.kind === 'response' && answer.status).toBe(400);
    expect(() => judge(r, answer, undefined)).not.toThrow();
  });

  it('a keep-alive connection that carried a body over the limit serves the next request', async () => {
    const connection: Connection = { agent: new Agent({ keepAlive: true, maxSockets: 1 }) };
    try {
      const big: FuzzRequest = {
        method: 'POST',
        path: '/api/v1/projects',
        auth: 'admin',
        headers: { 'Content-Type': 'application/json' },
        body: payload(`"${'x'.repeat(1024 * 1024)}"`),
      };
      const refused = await send(big, `regression-${++number}`, connection);
      expect(refused.kind === 'response' && refused.status).toBe(413);
      // Node's agent reuses the connection unless the 413 said `Connection: close`.
      const probe: FuzzRequest = { method: 'GET', path: '/livez', auth: 'none', headers: {} };
      const next = await send(probe, `regression-${++number}`, connection);
      const connectionHeader = refused.kind === 'response' ? refused.headers.connection : undefined;
      expect(
        next.kind === 'response' ? next.status : `${next.code} ${next.message}`,
        `after a 413 with "Connection: ${connectionHeader}"`,
      ).toBe(200);
    } finally {
      connection.agent.destroy();
    }
  });
});
