import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from './client.js';

const flag = (key: string, type: string, variations: unknown[], serve: number) => ({
  key,
  version: 3,
  type,
  variations,
  on: true,
  offVariation: 0,
  fallthrough: { variation: serve },
});
const snapshot = {
  revision: 12,
  flags: [
    flag('bool', 'boolean', [true, false], 0),
    flag('str', 'string', ['a', 'b'], 1),
    flag('num', 'number', [1, 2.5], 1),
    flag('obj', 'json', [{ theme: 'dark' }, null], 0),
    { key: 'broken', version: 1, type: 'boolean' },
  ],
  segments: [],
};
const dir = mkdtempSync(join(tmpdir(), 'ensign-node-client-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createClient, offline', () => {
  it('evaluates a bootstrap object with typed getters and details', async () => {
    const c = createClient({ offline: true, bootstrap: snapshot });
    await c.ready();
    expect(c.status).toBe('ready');
    expect(c.revision).toBe(12);
    expect(c.boolVariation('bool', { key: 'u' }, false)).toBe(true);
    expect(c.stringVariation('str', { key: 'u' }, 'z')).toBe('b');
    expect(c.numberVariation('num', { key: 'u' }, 0)).toBe(2.5);
    expect(c.jsonVariation('obj', { key: 'u' }, {})).toEqual({ theme: 'dark' });
    expect(c.stringVariationDetail('str', { key: 'u' }, 'z')).toEqual({
      value: 'b',
      variationIndex: 1,
      reason: { kind: 'FALLTHROUGH', inRollout: false },
      flagVersion: 3,
    });
    expect(c.allFlags({ key: 'u' })).toEqual({ bool: true, str: 'b', num: 2.5, obj: { theme: 'dark' } });
    await c.close();
    expect(c.status).toBe('closed');
  });

  it('reads a bootstrap file, and refuses a bad one at creation', () => {
    const file = join(dir, 'flags.json');
    writeFileSync(file, JSON.stringify(snapshot));
    expect(createClient({ offline: true, bootstrap: file }).boolVariation('bool', { key: 'u' }, false)).toBe(
      true,
    );
    writeFileSync(join(dir, 'bad.json'), '{"revision": -1, "flags": []}');
    expect(() => createClient({ offline: true, bootstrap: join(dir, 'bad.json') })).toThrow(/revision/);
    expect(() => createClient({ offline: true, bootstrap: join(dir, 'missing.json') })).toThrow(
      /cannot read/,
    );
    expect(() => createClient({ baseUrl: 'http://127.0.0.1:1' })).toThrow(/sdkKey is required/);
    expect(() => createClient({ sdkKey: 'k', baseUrl: 'ftp://x' })).toThrow(/baseUrl/);
  });

  it('never throws from an evaluation: the default with an ERROR reason', () => {
    const c = createClient({ offline: true, bootstrap: snapshot });
    const cases: Array<[() => unknown, string]> = [
      [() => c.boolVariationDetail('missing', { key: 'u' }, true), 'FLAG_NOT_FOUND'],
      [() => c.boolVariationDetail('str', { key: 'u' }, true), 'WRONG_TYPE'],
      [() => c.boolVariationDetail('broken', { key: 'u' }, true), 'MALFORMED_FLAG'],
      [() => c.boolVariationDetail('bool', null as never, true), 'INVALID_CONTEXT'],
      [() => c.boolVariationDetail('bool', 42 as never, true), 'INVALID_CONTEXT'],
      [() => c.boolVariationDetail(undefined as never, { key: 'u' }, true), 'FLAG_NOT_FOUND'],
    ];
    for (const [run, errorKind] of cases) {
      const d = run() as { value: unknown; reason: { kind: string; errorKind?: string } };
      expect(d.value).toBe(true);
      expect(d.reason).toMatchObject({ kind: 'ERROR', errorKind });
    }
  });

  it('without flags: CLIENT_NOT_READY, and ready() rejects after close', async () => {
    const c = createClient({ offline: true });
    expect(c.status).toBe('initializing');
    expect(c.numberVariationDetail('num', { key: 'u' }, 7)).toMatchObject({
      value: 7,
      reason: { kind: 'ERROR', errorKind: 'CLIENT_NOT_READY' },
    });
    const waiting = c.ready({ timeoutMs: 10_000 });
    await c.close();
    await expect(waiting).rejects.toThrow(/closed/);
    await expect(c.ready()).rejects.toThrow(/closed/);
  });
});
