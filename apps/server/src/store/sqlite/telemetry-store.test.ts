import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Environment, Store, TelemetryRecord } from '../store.js';
import { openSqliteStore } from './sqlite-store.js';

const hour = (iso: string) => new Date(iso);
let store: Store;
let dev: Environment;
let prod: Environment;

beforeEach(async () => {
  store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  const project = await store.createProject({
    key: 'p',
    name: 'P',
    environments: [
      { key: 'dev', name: 'Dev' },
      { key: 'prod', name: 'Prod' },
    ],
  });
  [dev, prod] = (await store.listEnvironments(project.id)) as [Environment, Environment];
});

afterEach(() => store.close());

const report = (overrides: Partial<TelemetryRecord> = {}): TelemetryRecord => ({
  environmentId: dev.id,
  instanceId: 'i-1',
  sdk: { name: '@ensign/sdk-node', version: '1.0.0' },
  revision: 3,
  keyKind: 'server',
  receivedAt: new Date('2026-11-28T13:30:10Z'),
  hour: hour('2026-11-28T13:00:00Z'),
  evaluatedAt: new Date('2026-11-28T13:30:00Z'),
  flags: [
    {
      flagKey: 'checkout',
      counts: [
        { variation: 0, count: 10 },
        { variation: 1, count: 2 },
      ],
    },
  ],
  ...overrides,
});

describe('recordTelemetry and flagUsage', () => {
  it('adds counts per flag, hour and variation, and keeps the latest evaluation time', async () => {
    await store.recordTelemetry(report());
    await store.recordTelemetry(
      report({
        instanceId: 'i-2',
        evaluatedAt: new Date('2026-11-28T13:20:00Z'), // older than the first: does not move it back
        flags: [{ flagKey: 'checkout', counts: [{ variation: 0, count: 5 }] }],
      }),
    );
    await store.recordTelemetry(
      report({
        hour: hour('2026-11-28T14:00:00Z'),
        evaluatedAt: new Date('2026-11-28T14:00:30Z'),
        flags: [
          {
            flagKey: 'checkout',
            counts: [
              { variation: -1, count: 1 },
              { variation: 1, count: 0 },
            ],
          },
          { flagKey: 'unused', counts: [{ variation: 0, count: 0 }] },
        ],
      }),
    );
    // `since` counts from the start of its hour.
    expect(await store.flagUsage(dev.id, { since: new Date('2026-11-28T14:59:59Z') })).toEqual([
      {
        flagKey: 'checkout',
        lastEvaluatedAt: new Date('2026-11-28T14:00:30Z'),
        hours: [{ hour: hour('2026-11-28T14:00:00Z'), counts: [{ variation: -1, count: 1 }] }],
      },
    ]);
    const [checkout] = await store.flagUsage(dev.id, {
      since: hour('2026-11-28T00:00:00Z'),
      flagKey: 'checkout',
    });
    expect(checkout!.hours).toEqual([
      {
        hour: hour('2026-11-28T13:00:00Z'),
        counts: [
          { variation: 0, count: 15 },
          { variation: 1, count: 2 },
        ],
      },
      { hour: hour('2026-11-28T14:00:00Z'), counts: [{ variation: -1, count: 1 }] },
    ]);
    // A flag reported with zero counts only was not evaluated: no row at all.
    expect(await store.flagUsage(dev.id, { since: hour('2026-11-28T00:00:00Z'), flagKey: 'unused' })).toEqual(
      [],
    );
    // Other environments are separate.
    expect(await store.flagUsage(prod.id, { since: hour('2026-11-28T00:00:00Z') })).toEqual([]);
  });

  it('lists flags evaluated only before the period with their last evaluation and no hours', async () => {
    await store.recordTelemetry(report());
    expect(await store.flagUsage(dev.id, { since: hour('2026-11-29T00:00:00Z') })).toEqual([
      { flagKey: 'checkout', lastEvaluatedAt: new Date('2026-11-28T13:30:00Z'), hours: [] },
    ]);
  });
});

describe('instanceRevisions', () => {
  const seenAt = (iso: string) => ({ receivedAt: new Date(iso) });

  beforeEach(async () => {
    await store.recordTelemetry(
      report({ instanceId: 'current', revision: 7, ...seenAt('2026-11-28T13:30:00Z') }),
    );
    await store.recordTelemetry(
      report({ instanceId: 'newer', revision: 8, ...seenAt('2026-11-28T13:30:00Z') }),
    );
    await store.recordTelemetry(
      report({ instanceId: 'old-a', revision: 5, ...seenAt('2026-11-28T13:29:50Z') }),
    );
    await store.recordTelemetry(
      report({ instanceId: 'old-b', revision: 5, keyKind: 'client', ...seenAt('2026-11-28T13:29:55Z') }),
    );
    await store.recordTelemetry(
      report({ instanceId: 'older', revision: 2, ...seenAt('2026-11-28T13:29:40Z') }),
    );
    await store.recordTelemetry(
      report({ instanceId: 'gone', revision: 1, ...seenAt('2026-11-28T13:00:00Z') }),
    );
  });

  it('counts instances seen since a time and those holding the revision or newer; lists the others', async () => {
    const result = await store.instanceRevisions(dev.id, {
      seenSince: new Date('2026-11-28T13:29:00Z'),
      currentRevision: 7,
      laggingLimit: 10,
    });
    expect(result.seen).toBe(5);
    expect(result.current).toBe(2);
    // Oldest revision first, then the most recently seen.
    expect(result.lagging.map((i) => i.instanceId)).toEqual(['older', 'old-b', 'old-a']);
    expect(result.lagging[1]).toMatchObject({
      sdk: { name: '@ensign/sdk-node', version: '1.0.0' },
      revision: 5,
      keyKind: 'client',
      lastSeenAt: new Date('2026-11-28T13:29:55Z'),
    });
  });

  it('filters by key kind and limits the list, not the counts', async () => {
    const query = { seenSince: new Date('2026-11-28T13:29:00Z'), currentRevision: 7 };
    expect(await store.instanceRevisions(dev.id, { ...query, laggingLimit: 1 })).toMatchObject({
      seen: 5,
      current: 2,
      lagging: [{ instanceId: 'older' }],
    });
    expect(
      await store.instanceRevisions(dev.id, { ...query, laggingLimit: 10, keyKind: 'client' }),
    ).toMatchObject({
      seen: 1,
      current: 0,
      lagging: [{ instanceId: 'old-b' }],
    });
    expect(await store.instanceRevisions(prod.id, { ...query, laggingLimit: 10 })).toEqual({
      seen: 0,
      current: 0,
      lagging: [],
    });
  });

  it('keeps one row per instance with what it last reported, and when it was first seen', async () => {
    await store.recordTelemetry(
      report({
        instanceId: 'gone',
        revision: 9,
        sdk: { name: 'x', version: '2' },
        ...seenAt('2026-11-28T13:31:00Z'),
      }),
    );
    const result = await store.instanceRevisions(dev.id, {
      seenSince: new Date('2026-11-28T13:31:00Z'),
      currentRevision: 10,
      laggingLimit: 10,
    });
    expect(result.lagging).toEqual([
      {
        instanceId: 'gone',
        sdk: { name: 'x', version: '2' },
        revision: 9,
        keyKind: 'server',
        firstSeenAt: new Date('2026-11-28T13:00:00Z'),
        lastSeenAt: new Date('2026-11-28T13:31:00Z'),
      },
    ]);
  });
});

describe('pruneTelemetry', () => {
  it('deletes old instances and hours of one environment, and keeps last evaluated times', async () => {
    await store.recordTelemetry(report({ instanceId: 'old', receivedAt: new Date('2026-11-01T00:00:00Z') }));
    await store.recordTelemetry(report({ instanceId: 'new' }));
    await store.recordTelemetry(
      report({ environmentId: prod.id, receivedAt: new Date('2026-11-01T00:00:00Z') }),
    );
    const pruned = await store.pruneTelemetry(dev.id, {
      instancesSeenBefore: new Date('2026-11-20T00:00:00Z'),
      usageBefore: new Date('2026-11-28T14:00:00Z'),
    });
    expect(pruned).toEqual({ instances: 1, usageRows: 2 });
    const since = new Date(0);
    expect(
      await store.instanceRevisions(dev.id, { seenSince: since, currentRevision: 0, laggingLimit: 9 }),
    ).toMatchObject({ seen: 1 });
    expect(
      await store.instanceRevisions(prod.id, { seenSince: since, currentRevision: 0, laggingLimit: 9 }),
    ).toMatchObject({ seen: 1 });
    expect(await store.flagUsage(dev.id, { since })).toEqual([
      { flagKey: 'checkout', lastEvaluatedAt: new Date('2026-11-28T13:30:00Z'), hours: [] },
    ]);
  });
});
