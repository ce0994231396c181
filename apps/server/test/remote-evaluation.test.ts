/**
 * Integration: `POST /sdk/v1/evaluate` (remote evaluation in Ensign's own shape) against the built
 * server as a real process on 127.0.0.1, with flags configured through the admin API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, printedKeys } from './api-client.js';
import { configure, defineFlag, evenSplit, revision } from './flag-fixtures.js';
import { kill, type ServerProcess, startServer } from './server-process.js';

let dir: string;
let server: ServerProcess;
let admin: ApiClient;
let asServer: ApiClient;
let asClient: ApiClient;
let keys: Map<string, string>;

interface Result {
  key: string;
  value: unknown;
  variation?: number;
  reason: Record<string, unknown>;
  flagVersion?: number;
}
const byKey = (flags: Result[]) => new Map(flags.map((f) => [f.key, f]));

const evaluate = (as: ApiClient, context: unknown, headers: Record<string, string> = {}) =>
  as('POST', '/sdk/v1/evaluate', { body: { context }, headers });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ensign-remote-eval-'));
  server = await startServer(join(dir, 'ensign.db'));
  keys = printedKeys(server.stderr());
  admin = apiClient(server, keys.get('admin'));
  asServer = apiClient(server, keys.get('development server SDK'));
  asClient = apiClient(server, keys.get('development client SDK'));

  await defineFlag(
    admin,
    're-banner',
    { type: 'boolean', variations: [true, false] },
    {
      on: true,
      clientSide: true,
      targets: [{ variation: 0, values: ['alice'] }],
      rules: [
        {
          id: 'germany',
          clauses: [{ attribute: 'country', op: 'in', values: ['DE'] }],
          serve: { variation: 0 },
        },
      ],
      fallthrough: { variation: 1 },
    },
  );
  await defineFlag(
    admin,
    're-colour',
    { type: 'string', variations: ['red', 'green'] },
    { on: true, clientSide: true, fallthrough: evenSplit },
  );
  await defineFlag(
    admin,
    're-limits',
    { type: 'json', variations: [{ max: 3 }, { max: 10 }] },
    {
      clientSide: true,
    },
  );
  await defineFlag(
    admin,
    're-gated',
    { type: 'number', variations: [1, 2] },
    {
      on: true,
      clientSide: true,
      prerequisites: [{ key: 're-colour', variation: 0 }],
      fallthrough: { variation: 1 },
    },
  );
});

afterAll(async () => {
  await kill(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /sdk/v1/evaluate', () => {
  it('evaluates every flag for a server key, in key order, with the revision', async () => {
    const res = await evaluate(asServer, { key: 'alice' });
    expect(res.status).toBe(200);
    expect(res.body.revision).toBe(await revision(admin));
    const flags = res.body.flags as Result[];
    const ours = flags.filter((f) => f.key.startsWith('re-'));
    expect(ours.map((f) => f.key)).toEqual(['re-banner', 're-colour', 're-gated', 're-limits']);
    expect(flags.map((f) => f.key)).toEqual([...flags.map((f) => f.key)].sort());
    const got = byKey(flags);
    expect(got.get('re-banner')).toEqual({
      key: 're-banner',
      value: true,
      variation: 0,
      reason: { kind: 'TARGET_MATCH' },
      flagVersion: 2,
    });
    expect(got.get('re-limits')).toEqual({
      key: 're-limits',
      value: { max: 3 },
      variation: 0,
      reason: { kind: 'OFF' },
      flagVersion: 2,
    });
    expect(got.get('re-colour')).toMatchObject({ reason: { kind: 'FALLTHROUGH', inRollout: true } });
    expect(['red', 'green']).toContain(got.get('re-colour')!.value);
  });

  it('follows rules and fallthroughs, and reports errors with a null value and no variation', async () => {
    const germany = byKey((await evaluate(asServer, { key: 'bob', country: 'DE' })).body.flags);
    expect(germany.get('re-banner')).toMatchObject({
      value: true,
      variation: 0,
      reason: { kind: 'RULE_MATCH', ruleId: 'germany', ruleIndex: 0, inRollout: false },
    });
    const elsewhere = byKey((await evaluate(asServer, { key: 'bob', country: 'FR' })).body.flags);
    expect(elsewhere.get('re-banner')).toMatchObject({
      value: false,
      variation: 1,
      reason: { kind: 'FALLTHROUGH', inRollout: false },
    });
    // A rollout needs a bucketing key: an anonymous context gets TARGETING_KEY_MISSING for it.
    const anonymous = byKey((await evaluate(asServer, {})).body.flags);
    expect(anonymous.get('re-colour')).toEqual({
      key: 're-colour',
      value: null,
      reason: {
        kind: 'ERROR',
        errorKind: 'TARGETING_KEY_MISSING',
        message: 'the rollout attribute is missing or not a string or integer',
      },
      flagVersion: 2,
    });
    expect(anonymous.get('re-banner')).toMatchObject({ value: false, reason: { kind: 'FALLTHROUGH' } });
  });

  it('gives client keys only client-side flags, with or without ?key=, evaluated as for server keys', async () => {
    const viaHeader = await evaluate(asClient, { key: 'carol' });
    expect(viaHeader.status).toBe(200);
    const keysSeen = (viaHeader.body.flags as Result[]).map((f) => f.key).filter((k) => k.startsWith('re-'));
    expect(keysSeen).toEqual(['re-banner', 're-colour', 're-gated', 're-limits']);

    const viaQuery = await admin('POST', `/sdk/v1/evaluate?key=${keys.get('development client SDK')}`, {
      key: null,
      body: { context: { key: 'carol' } },
    });
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.body).toEqual(viaHeader.body);

    // re-gated needs re-colour to serve "red": find a key it does not.
    let user = '';
    for (let i = 0; user === '' && i < 50; i++) {
      const colour = byKey((await evaluate(asServer, { key: `u${i}` })).body.flags).get('re-colour')!;
      if (colour.variation === 1) user = `u${i}`;
    }
    expect(user).not.toBe('');
    const server = byKey((await evaluate(asServer, { key: user })).body.flags).get('re-gated');
    expect(server).toMatchObject({
      value: 1,
      variation: 0,
      reason: { kind: 'PREREQUISITE_FAILED', prerequisiteKey: 're-colour' },
    });
    const client = byKey((await evaluate(asClient, { key: user })).body.flags).get('re-gated');
    expect(client).toEqual(server);
  });

  it('answers 304 to a matching If-None-Match until the revision or the context changes', async () => {
    const first = await evaluate(asServer, { key: 'dave', country: 'FR', plan: 'pro' });
    const tag = first.headers.get('ETag')!;
    expect(tag).toMatch(new RegExp(`^"${first.body.revision}-[A-Za-z0-9_-]{22}"$`));

    // Member order does not matter; weak tags and lists match too.
    const again = await evaluate(
      asServer,
      { plan: 'pro', country: 'FR', key: 'dave' },
      { 'If-None-Match': tag },
    );
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    expect(again.headers.get('ETag')).toBe(tag);
    const weak = await evaluate(
      asServer,
      { key: 'dave', country: 'FR', plan: 'pro' },
      {
        'If-None-Match': `"0-x", W/${tag}`,
      },
    );
    expect(weak.status).toBe(304);

    const otherContext = await evaluate(
      asServer,
      { key: 'dave', country: 'DE', plan: 'pro' },
      {
        'If-None-Match': tag,
      },
    );
    expect(otherContext.status).toBe(200);
    expect(otherContext.headers.get('ETag')).not.toBe(tag);
    // The same context seen by a client key is another result.
    const client = await evaluate(
      asClient,
      { key: 'dave', country: 'FR', plan: 'pro' },
      { 'If-None-Match': tag },
    );
    expect(client.status).toBe(200);

    await configure(admin, 're-banner', { fallthrough: { variation: 0 } });
    const changed = await evaluate(
      asServer,
      { key: 'dave', country: 'FR', plan: 'pro' },
      { 'If-None-Match': tag },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.revision).toBe(first.body.revision + 1);
    expect(changed.headers.get('ETag')).not.toBe(tag);
    expect(byKey(changed.body.flags).get('re-banner')).toMatchObject({ value: true, flagVersion: 3 });
    await configure(admin, 're-banner', { fallthrough: { variation: 1 } });
  });

  it('rejects invalid bodies naming the field', async () => {
    const issues = (res: { body: { error: { issues?: Array<{ path: string }> } } }) =>
      (res.body.error.issues ?? []).map((i) => i.path);
    const missing = await asServer('POST', '/sdk/v1/evaluate', { body: {} });
    expect(missing.status).toBe(422);
    expect(issues(missing)).toEqual(['context']);
    const badKey = await evaluate(asServer, { key: 42 });
    expect(badKey.status).toBe(422);
    expect(issues(badKey)).toEqual(['context.key']);
    const notObject = await evaluate(asServer, ['alice']);
    expect(notObject.status).toBe(422);
    expect(issues(notObject)).toEqual(['context']);
    const notJson = await asServer('POST', '/sdk/v1/evaluate', { body: '{"context":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('bad_request');
    const text = await asServer('POST', '/sdk/v1/evaluate', {
      body: '{"context":{}}',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(415);
  });

  it('evaluates nested contexts, and refuses absurd nesting with 422 naming where', async () => {
    const nested = (depth: number) =>
      `{"context":{"key":"deep","a":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
    const fine = await asServer('POST', '/sdk/v1/evaluate', { body: nested(50) });
    expect(fine.status).toBe(200);
    expect(byKey(fine.body.flags).get('re-banner')).toMatchObject({ reason: { kind: 'FALLTHROUGH' } });
    // Validators walk values recursively; 100,000 levels would overflow them (docs/api.md, errors).
    const absurd = await asServer('POST', '/sdk/v1/evaluate', { body: nested(100_000) });
    expect(absurd.status).toBe(422);
    expect(absurd.body.error.issues[0].path).toMatch(/^context\.a\.a\.a/);
    expect(absurd.body.error.issues[0].message).toMatch(/deeper than 64/);
  });

  it('needs an SDK key', async () => {
    expect((await evaluate(admin, {}, {})).status).toBe(403);
    expect((await asServer('POST', '/sdk/v1/evaluate', { key: null, body: { context: {} } })).status).toBe(
      401,
    );
    // Server keys are secret: never in a URL.
    const serverInUrl = await admin('POST', `/sdk/v1/evaluate?key=${keys.get('development server SDK')}`, {
      key: null,
      body: { context: {} },
    });
    expect(serverInUrl.status).toBe(401);
  });

  it('is described in the OpenAPI document with its request body', async () => {
    const doc = (await admin('GET', '/api/openapi.json', { key: null })).body;
    const op = doc.paths['/sdk/v1/evaluate'].post;
    expect(op.requestBody.content['application/json'].schema).toBeDefined();
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '422']));
  });
});

describe('the server process', () => {
  it('logged no unhandled error', () => {
    expect(server.lines.filter((l) => l.msg === 'unhandled error')).toEqual([]);
  });
});
