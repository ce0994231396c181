/**
 * Integration: the OpenFeature Remote Evaluation Protocol (`/ofrep/v1`) against the built server as
 * a real process on 127.0.0.1: the wire format checked request by request, then the official
 * OpenFeature packages as clients — `@openfeature/ofrep-provider` in `@openfeature/server-sdk` (one
 * request per evaluation) and `@openfeature/ofrep-web-provider` in `@openfeature/web-sdk` (bulk
 * evaluation, ETag polling), both running in this Node process with its global fetch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature as ServerOpenFeature } from '@openfeature/server-sdk';
import { type Provider, ProviderEvents, OpenFeature as WebOpenFeature } from '@openfeature/web-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, printedKeys } from './api-client.js';
import { configure, defineFlag, evenSplit, revision } from './flag-fixtures.js';
import { kill, type ServerProcess, startServer, within } from './server-process.js';

let dir: string;
let server: ServerProcess;
let admin: ApiClient;
let asServer: ApiClient;
let asClient: ApiClient;
let keys: Map<string, string>;

const serverKey = () => keys.get('development server SDK')!;
const clientKey = () => keys.get('development client SDK')!;
const single = (as: ApiClient, flag: string, body: unknown = { context: {} }, headers = {}) =>
  as('POST', `/ofrep/v1/evaluate/flags/${flag}`, { body, headers });
const bulk = (as: ApiClient, body: unknown = { context: {} }, headers: Record<string, string> = {}) =>
  as('POST', '/ofrep/v1/evaluate/flags', { body, headers });

interface Item {
  key: string;
  value?: unknown;
  reason?: string;
  variant?: string;
  metadata?: Record<string, unknown>;
  errorCode?: string;
  errorDetails?: string;
}
const itemsByKey = (body: { flags: Item[] }) => new Map(body.flags.map((f) => [f.key, f]));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-ofrep-'));
  server = await startServer(join(dir, 'ensign.db'));
  keys = printedKeys(server.stderr());
  admin = apiClient(server, keys.get('admin'));
  asServer = apiClient(server, serverKey());
  asClient = apiClient(server, clientKey());

  await defineFlag(
    admin,
    'of-bool',
    { type: 'boolean', variations: [true, false] },
    {
      on: true,
      clientSide: true,
      targets: [{ variation: 0, values: ['alice'] }],
      rules: [
        { id: 'beta', clauses: [{ attribute: 'plan', op: 'in', values: ['beta'] }], serve: { variation: 0 } },
      ],
      fallthrough: { variation: 1 },
    },
  );
  await defineFlag(
    admin,
    'of-string',
    { type: 'string', variations: ['red', 'green', 'blue'] },
    { on: true, clientSide: true, fallthrough: evenSplit },
  );
  await defineFlag(
    admin,
    'of-number',
    { type: 'number', variations: [1, 2.5, 42] },
    { on: true, clientSide: true, fallthrough: { variation: 2 } },
  );
  await defineFlag(
    admin,
    'of-json',
    { type: 'json', variations: [{ theme: 'dark', size: 3 }, { theme: 'light' }] },
    { on: true, clientSide: true, fallthrough: { variation: 0 } },
  );
  await defineFlag(admin, 'of-off', { type: 'boolean', variations: [true, false] }, { clientSide: true });
  await defineFlag(
    admin,
    'of-server-only',
    { type: 'boolean', variations: [true, false] },
    { on: true, fallthrough: { variation: 1 } },
  );
  // A client-side flag's prerequisites are client-side too (the server refuses others).
  await defineFlag(
    admin,
    'of-gate',
    { type: 'boolean', variations: [true, false] },
    { on: true, clientSide: true, fallthrough: { variation: 1 } },
  );
  // Its prerequisite never serves variation 0: always PREREQUISITE_FAILED.
  await defineFlag(
    admin,
    'of-prereq',
    { type: 'boolean', variations: [true, false] },
    {
      on: true,
      clientSide: true,
      prerequisites: [{ key: 'of-gate', variation: 0 }],
      fallthrough: { variation: 0 },
    },
  );
});

afterAll(async () => {
  await ServerOpenFeature.close();
  await WebOpenFeature.close();
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('single flag: POST /ofrep/v1/evaluate/flags/{key}', () => {
  it('answers the evaluation: key, value, OpenFeature reason, variant (the variation index) and metadata', async () => {
    const target = await single(asServer, 'of-bool', { context: { targetingKey: 'alice' } });
    expect(target.status).toBe(200);
    expect(target.headers.get('content-type')).toMatch(/^application\/json/);
    expect(target.body).toEqual({
      key: 'of-bool',
      value: true,
      reason: 'TARGETING_MATCH',
      variant: '0',
      metadata: { ensignReason: 'TARGET_MATCH', version: '2' },
    });
    const rule = await single(asServer, 'of-bool', { context: { targetingKey: 'bob', plan: 'beta' } });
    expect(rule.body).toEqual({
      key: 'of-bool',
      value: true,
      reason: 'TARGETING_MATCH',
      variant: '0',
      metadata: { ensignReason: 'RULE_MATCH', version: '2', ruleId: 'beta', ruleIndex: 0 },
    });
    const fallthrough = await single(asServer, 'of-bool', { context: { targetingKey: 'bob' } });
    expect(fallthrough.body).toMatchObject({ value: false, reason: 'DEFAULT', variant: '1' });

    const split = await single(asServer, 'of-string', { context: { targetingKey: 'bob' } });
    expect(split.body.reason).toBe('SPLIT');
    expect(split.body.value).toBe(['red', 'green', 'blue'][Number(split.body.variant)]);
    expect(split.body.metadata).toEqual({ ensignReason: 'FALLTHROUGH', version: '2' });

    expect((await single(asServer, 'of-number')).body).toMatchObject({
      value: 42,
      variant: '2',
      reason: 'DEFAULT',
    });
    expect((await single(asServer, 'of-json')).body).toMatchObject({ value: { theme: 'dark', size: 3 } });
    expect((await single(asServer, 'of-off')).body).toEqual({
      key: 'of-off',
      value: false,
      reason: 'DISABLED',
      variant: '1',
      metadata: { ensignReason: 'OFF', version: '2' },
    });
    // A failed prerequisite serves the off variation: DISABLED, naming the prerequisite.
    expect((await single(asServer, 'of-prereq')).body).toMatchObject({
      value: false,
      reason: 'DISABLED',
      metadata: { ensignReason: 'PREREQUISITE_FAILED', prerequisiteKey: 'of-gate' },
    });
  });

  it('maps targetingKey to the Ensign key; a context without one is evaluated with its own key member', async () => {
    const ensignKey = await single(asServer, 'of-bool', { context: { key: 'alice' } });
    expect(ensignKey.body).toMatchObject({ value: true, metadata: { ensignReason: 'TARGET_MATCH' } });
    // targetingKey wins over a key member.
    const both = await single(asServer, 'of-bool', { context: { targetingKey: 'bob', key: 'alice' } });
    expect(both.body).toMatchObject({ value: false, reason: 'DEFAULT' });
    // No body at all: an empty context.
    const empty = await asServer('POST', '/ofrep/v1/evaluate/flags/of-number', {});
    expect(empty.status).toBe(200);
    expect(empty.body.value).toBe(42);
  });

  it('answers 404 FLAG_NOT_FOUND for a missing flag, and for a server-only flag to a client key', async () => {
    const missing = await single(asServer, 'no-such-flag');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      key: 'no-such-flag',
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: 'no flag "no-such-flag"',
    });
    const hidden = await single(asClient, 'of-server-only');
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({
      key: 'of-server-only',
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: 'no flag "of-server-only"',
    });
    expect((await single(asServer, 'of-server-only')).status).toBe(200);
    // Client keys get the same answer as server keys for a client-side flag.
    const prereq = await single(asClient, 'of-prereq');
    expect(prereq.body).toEqual({
      key: 'of-prereq',
      value: false,
      reason: 'DISABLED',
      variant: '1',
      metadata: { ensignReason: 'PREREQUISITE_FAILED', version: '2', prerequisiteKey: 'of-gate' },
    });
  });

  it('answers 400 with an OFREP error code for failed evaluations and invalid requests', async () => {
    const noKey = await single(asServer, 'of-string', { context: { plan: 'pro' } });
    expect(noKey.status).toBe(400);
    expect(noKey.body).toEqual({
      key: 'of-string',
      errorCode: 'TARGETING_KEY_MISSING',
      errorDetails: 'the rollout attribute is missing or not a string or integer',
    });
    const notJson = await single(asServer, 'of-bool', '{"context": {');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({
      key: 'of-bool',
      errorCode: 'PARSE_ERROR',
      errorDetails: 'The request body is not valid JSON',
    });
    const cases: Array<[unknown, string]> = [
      [{ context: 'alice' }, 'context: '],
      [{ context: null }, 'context: '],
      [[1], 'body: '],
      [{ context: { targetingKey: 7 } }, 'context.targetingKey: '],
      [{ context: { key: 7 } }, 'context.key: '],
    ];
    for (const [body, details] of cases) {
      const res = await single(asServer, 'of-bool', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ key: 'of-bool', errorCode: 'INVALID_CONTEXT' });
      expect(res.body.errorDetails.startsWith(details), res.body.errorDetails).toBe(true);
    }
    // The context is checked first, as the core does: a missing flag with a bad context is a 400 too.
    expect((await single(asServer, 'no-such-flag', { context: { targetingKey: 7 } })).status).toBe(400);
  });

  it('evaluates contexts nested as deep as the body limit allows', async () => {
    const depth = 100_000;
    const body = `{"context":{"targetingKey":"alice","a":${'[{"a":'.repeat(depth / 2)}1${'}]'.repeat(depth / 2)}}}`;
    const one = await single(asServer, 'of-bool', body);
    expect(one.status).toBe(200);
    expect(one.body.reason).toBe('TARGETING_MATCH');
    const all = await bulk(asClient, body);
    expect(all.status).toBe(200);
    expect(all.headers.get('ETag')).toMatch(/^"\d+-/);
  });

  it('needs a server or client key in Authorization (401/403 in the API error shape)', async () => {
    expect((await admin('POST', '/ofrep/v1/evaluate/flags/of-bool', { key: null, body: {} })).status).toBe(
      401,
    );
    const adminKey = await single(admin, 'of-bool');
    expect(adminKey.status).toBe(403);
    expect(adminKey.body.error.code).toBe('forbidden');
    // OFREP takes keys in the header only, client keys included.
    const inUrl = await admin('POST', `/ofrep/v1/evaluate/flags/of-bool?key=${clientKey()}`, {
      key: null,
      body: {},
    });
    expect(inUrl.status).toBe(401);
  });
});

describe('bulk: POST /ofrep/v1/evaluate/flags', () => {
  it('evaluates every flag the key may see, failures as per-flag items', async () => {
    const res = await bulk(asServer, { context: { plan: 'beta' } });
    expect(res.status).toBe(200);
    const flags = res.body.flags as Item[];
    expect(flags.map((f) => f.key)).toEqual([
      'of-bool',
      'of-gate',
      'of-json',
      'of-number',
      'of-off',
      'of-prereq',
      'of-server-only',
      'of-string',
    ]);
    const got = itemsByKey(res.body);
    expect(got.get('of-bool')).toEqual({
      key: 'of-bool',
      value: true,
      reason: 'TARGETING_MATCH',
      variant: '0',
      metadata: { ensignReason: 'RULE_MATCH', version: '2', ruleId: 'beta', ruleIndex: 0 },
    });
    expect(got.get('of-string')).toEqual({
      key: 'of-string',
      errorCode: 'TARGETING_KEY_MISSING',
      errorDetails: 'the rollout attribute is missing or not a string or integer',
    });

    const client = await bulk(asClient, { context: { plan: 'beta' } });
    expect((client.body.flags as Item[]).map((f) => f.key)).toEqual([
      'of-bool',
      'of-gate',
      'of-json',
      'of-number',
      'of-off',
      'of-prereq',
      'of-string',
    ]);
    expect(itemsByKey(client.body).get('of-prereq')!.metadata).toEqual({
      ensignReason: 'PREREQUISITE_FAILED',
      version: '2',
      prerequisiteKey: 'of-gate',
    });
  });

  it('sends an ETag; If-None-Match answers 304 until the revision or the context changes', async () => {
    const context = { targetingKey: 'erin', plan: 'pro' };
    const first = await bulk(asClient, { context });
    const tag = first.headers.get('ETag')!;
    expect(tag).toMatch(new RegExp(`^"${await revision(admin)}-[A-Za-z0-9_-]{22}"$`));

    const same = await bulk(
      asClient,
      { context: { plan: 'pro', targetingKey: 'erin' } },
      { 'If-None-Match': tag },
    );
    expect(same.status).toBe(304);
    expect(same.body).toBeUndefined();
    expect(same.headers.get('ETag')).toBe(tag);
    expect((await bulk(asClient, { context }, { 'If-None-Match': `W/${tag}` })).status).toBe(304);
    expect((await bulk(asClient, { context }, { 'If-None-Match': `"1-nope", ${tag}` })).status).toBe(304);

    // Another context, or the same one seen by a server key, is another result.
    const other = await bulk(asClient, { context: { ...context, plan: 'beta' } }, { 'If-None-Match': tag });
    expect(other.status).toBe(200);
    expect(other.headers.get('ETag')).not.toBe(tag);
    expect((await bulk(asServer, { context }, { 'If-None-Match': tag })).status).toBe(200);

    // Any new revision changes it, even one that changes nothing this key sees.
    await configure(admin, 'of-server-only', { salt: 'bump' });
    const bumped = await bulk(asClient, { context }, { 'If-None-Match': tag });
    expect(bumped.status).toBe(200);
    expect(bumped.headers.get('ETag')).not.toBe(tag);
    expect(bumped.body.flags).toEqual(first.body.flags);
  });

  it('answers 400 without a flag key for invalid requests', async () => {
    const notJson = await bulk(asServer, '{"context"');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({
      errorCode: 'PARSE_ERROR',
      errorDetails: 'The request body is not valid JSON',
    });
    const badContext = await bulk(asServer, { context: { targetingKey: false } });
    expect(badContext.status).toBe(400);
    expect(badContext.body).toMatchObject({ errorCode: 'INVALID_CONTEXT' });
    expect(badContext.body.errorDetails).toMatch(/^context\.targetingKey: /);
    expect(badContext.headers.get('ETag')).toBeNull();
  });
});

describe('GET /ofrep/v1/configuration', () => {
  it('describes the system, with an ETag', async () => {
    const res = await asClient('GET', '/ofrep/v1/configuration');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      name: 'Ensign',
      capabilities: {
        cacheInvalidation: { polling: { enabled: true, minPollingIntervalMs: 1000 } },
        flagEvaluation: { supportedTypes: ['boolean', 'string', 'int', 'float', 'object'] },
      },
    });
    const tag = res.headers.get('ETag')!;
    expect(
      (await asServer('GET', '/ofrep/v1/configuration', { headers: { 'If-None-Match': tag } })).status,
    ).toBe(304);
    expect((await admin('GET', '/ofrep/v1/configuration')).status).toBe(403);
  });

  it('documents every OFREP route in the OpenAPI document', async () => {
    const doc = (await admin('GET', '/api/openapi.json', { key: null })).body;
    expect(Object.keys(doc.paths['/ofrep/v1/evaluate/flags/{key}'].post.responses).sort()).toEqual(
      ['200', '400', '401', '403', '404', '500'].sort(),
    );
    expect(doc.paths['/ofrep/v1/evaluate/flags'].post.responses['304']).toBeDefined();
    expect(doc.paths['/ofrep/v1/configuration'].get).toBeDefined();
  });
});

describe('@openfeature/ofrep-provider with @openfeature/server-sdk', () => {
  const connect = async (domain: string, key: string) => {
    const provider = new OFREPProvider({
      baseUrl: server.url,
      headers: [['Authorization', `Bearer ${key}`]],
    });
    await ServerOpenFeature.setProviderAndWait(domain, provider);
    return ServerOpenFeature.getClient(domain);
  };

  it('evaluates boolean, string, number and object flags with values, reasons, variants and metadata', async () => {
    const client = await connect('ofrep-server', serverKey());
    const alice = await client.getBooleanDetails('of-bool', false, { targetingKey: 'alice' });
    expect(alice).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
      variant: '0',
      flagMetadata: { ensignReason: 'TARGET_MATCH', version: '2' },
    });
    expect(alice.errorCode).toBeUndefined();
    expect(await client.getBooleanDetails('of-bool', true, { targetingKey: 'bob' })).toMatchObject({
      value: false,
      reason: 'DEFAULT',
      variant: '1',
    });
    const colour = await client.getStringDetails('of-string', 'none', { targetingKey: 'bob' });
    expect(colour.reason).toBe('SPLIT');
    expect(colour.value).toBe(['red', 'green', 'blue'][Number(colour.variant)]);
    expect(await client.getNumberDetails('of-number', 0)).toMatchObject({
      value: 42,
      variant: '2',
      reason: 'DEFAULT',
    });
    expect(await client.getObjectDetails('of-json', {})).toMatchObject({ value: { theme: 'dark', size: 3 } });
    expect(await client.getBooleanDetails('of-off', true)).toMatchObject({
      value: false,
      reason: 'DISABLED',
    });
    expect(await client.getBooleanValue('of-prereq', true)).toBe(false);
  });

  it('reports FLAG_NOT_FOUND, TYPE_MISMATCH and TARGETING_KEY_MISSING with the default value', async () => {
    const client = ServerOpenFeature.getClient('ofrep-server');
    expect(await client.getBooleanDetails('no-such-flag', true)).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(await client.getNumberDetails('of-bool', 7, { targetingKey: 'alice' })).toMatchObject({
      value: 7,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
    expect(await client.getStringDetails('of-string', 'fallback', {})).toMatchObject({
      value: 'fallback',
      reason: 'ERROR',
      errorCode: 'TARGETING_KEY_MISSING',
    });
  });

  it('sees only client-side flags with a client key', async () => {
    const client = await connect('ofrep-server-client-key', clientKey());
    expect(await client.getBooleanDetails('of-server-only', true)).toMatchObject({
      value: true,
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(await client.getBooleanValue('of-bool', false, { targetingKey: 'alice' })).toBe(true);
  });
});

describe('@openfeature/ofrep-web-provider with @openfeature/web-sdk', () => {
  /** What the provider sent and got: every bulk request, as seen on the wire. */
  interface Exchange {
    ifNoneMatch: string | null;
    status: number;
    etag: string | null;
  }
  const exchanges: Exchange[] = [];
  let onExchange: (() => void) | undefined;
  const recordingFetch = async (
    input: Parameters<typeof fetch>[0],
    init?: RequestInit,
  ): Promise<Response> => {
    const headers = input instanceof Request ? input.headers : new Headers(init?.headers);
    const response = await fetch(input, init);
    exchanges.push({
      ifNoneMatch: headers.get('If-None-Match'),
      status: response.status,
      etag: response.headers.get('ETag'),
    });
    onExchange?.();
    return response;
  };
  /** Resolves with the first exchange from index `from` on that satisfies `predicate`. */
  const exchange = (from: number, predicate: (e: Exchange) => boolean) =>
    within(
      new Promise<Exchange>((resolve) => {
        const check = () => {
          const found = exchanges.slice(from).find(predicate);
          if (found !== undefined) resolve(found);
        };
        onExchange = check;
        check();
      }),
      10_000,
      'a matching OFREP bulk exchange',
    );

  // The provider declares `hooks?: Hook[] | undefined`, which the SDK's `Provider` does not accept
  // under exactOptionalPropertyTypes (a typing difference only).
  const webProvider = (key: string, pollInterval = 0): Provider =>
    new OFREPWebProvider({
      baseUrl: server.url,
      headers: [['Authorization', `Bearer ${key}`]],
      pollInterval,
      changeDetection: pollInterval > 0 ? 'polling' : 'none',
      cacheMode: 'disabled',
      disableVisibilityRefresh: true,
      fetchImplementation: recordingFetch,
    }) as Provider;

  it('evaluates every type from one bulk request, with reasons, variants and error codes', async () => {
    await WebOpenFeature.setProviderAndWait('ofrep-web-once', webProvider(clientKey()), {
      targetingKey: 'alice',
    });
    const client = WebOpenFeature.getClient('ofrep-web-once');
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ ifNoneMatch: null, status: 200 });

    expect(client.getBooleanDetails('of-bool', false)).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
      variant: '0',
      flagMetadata: { ensignReason: 'TARGET_MATCH', version: '2' },
    });
    const colour = client.getStringDetails('of-string', 'none');
    expect(colour.reason).toBe('SPLIT');
    expect(colour.value).toBe(['red', 'green', 'blue'][Number(colour.variant)]);
    expect(client.getNumberDetails('of-number', 0)).toMatchObject({
      value: 42,
      reason: 'DEFAULT',
      variant: '2',
    });
    expect(client.getObjectDetails('of-json', {})).toMatchObject({
      value: { theme: 'dark', size: 3 },
      variant: '0',
    });
    expect(client.getBooleanDetails('of-off', true)).toMatchObject({ value: false, reason: 'DISABLED' });
    expect(client.getBooleanDetails('of-prereq', true)).toMatchObject({
      value: false,
      reason: 'DISABLED',
      flagMetadata: { ensignReason: 'PREREQUISITE_FAILED' },
    });
    expect(client.getBooleanDetails('of-prereq', true).flagMetadata).toHaveProperty(
      'prerequisiteKey',
      'of-gate',
    );

    expect(client.getBooleanDetails('no-such-flag', true)).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(client.getBooleanDetails('of-server-only', true)).toMatchObject({ errorCode: 'FLAG_NOT_FOUND' });
    expect(client.getStringDetails('of-bool', 'x')).toMatchObject({
      value: 'x',
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });

    // An anonymous user: the rollout flag is a per-flag failure of the bulk answer.
    await WebOpenFeature.setContext('ofrep-web-once', {});
    expect(client.getStringDetails('of-string', 'fallback')).toMatchObject({
      value: 'fallback',
      reason: 'ERROR',
      errorCode: 'TARGETING_KEY_MISSING',
    });
    expect(client.getBooleanValue('of-bool', true)).toBe(false);
  });

  it('polls with If-None-Match, gets 304s, and picks up context changes and flag changes', async () => {
    const start = exchanges.length;
    await WebOpenFeature.setProviderAndWait('ofrep-web-polling', webProvider(clientKey(), 100), {
      targetingKey: 'bob',
    });
    const client = WebOpenFeature.getClient('ofrep-web-polling');
    const initial = exchanges[start]!;
    expect(initial).toMatchObject({ ifNoneMatch: null, status: 200 });
    expect(initial.etag).toMatch(/^"\d+-[A-Za-z0-9_-]{22}"$/);
    expect(client.getBooleanDetails('of-bool', true)).toMatchObject({ value: false, reason: 'DEFAULT' });

    // Nothing changed: the polls are answered 304 with the same tag.
    const notModified = await exchange(start + 1, (e) => e.status === 304);
    expect(notModified).toEqual({ ifNoneMatch: initial.etag, status: 304, etag: initial.etag });

    // Same targeting key, another attribute: the provider keeps its ETag, which no longer matches.
    const beforeContext = exchanges.length;
    await WebOpenFeature.setContext('ofrep-web-polling', { targetingKey: 'bob', plan: 'beta' });
    const afterContext = await exchange(
      beforeContext,
      (e) => e.ifNoneMatch === initial.etag && e.status === 200,
    );
    expect(afterContext.etag).not.toBe(initial.etag);
    expect(client.getBooleanDetails('of-bool', false)).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
      flagMetadata: { ensignReason: 'RULE_MATCH', ruleId: 'beta' },
    });
    const polled = await exchange(exchanges.length, (e) => e.status === 304);
    expect(polled.ifNoneMatch).toBe(afterContext.etag);

    // A flag change reaches the next poll: 200 with a new tag, and a ConfigurationChanged event.
    const changed = new Promise<string[]>((resolve) =>
      client.addHandler(ProviderEvents.ConfigurationChanged, (details) =>
        resolve(details?.flagsChanged ?? []),
      ),
    );
    const beforeChange = exchanges.length;
    await configure(admin, 'of-bool', { on: false });
    expect(await within(changed, 10_000, 'ConfigurationChanged')).toEqual(['of-bool']);
    const fresh = await exchange(beforeChange, (e) => e.status === 200);
    expect(fresh.ifNoneMatch).toBe(afterContext.etag);
    expect(fresh.etag).not.toBe(afterContext.etag);
    expect(client.getBooleanDetails('of-bool', true)).toMatchObject({ value: false, reason: 'DISABLED' });
    await configure(admin, 'of-bool', { on: true });
  });

  it('fails to start with a key the server refuses', async () => {
    await expect(
      WebOpenFeature.setProviderAndWait('ofrep-web-bad-key', webProvider(`ens_cli_${'A'.repeat(43)}`)),
    ).rejects.toThrow();
  });
});

describe('the server process', () => {
  it('logged no unhandled error', () => {
    expect(server.lines.filter((l) => l.msg === 'unhandled error')).toEqual([]);
  });
});
