import { describe, expect, it, vi } from 'vitest';
import type { Store, TelemetryRecord } from '../store/store.js';
import { DomainError } from './domain-error.js';
import { type TelemetryReport, telemetryRecord, telemetryRecorder } from './telemetry.js';

const receivedAt = new Date('2026-11-28T13:30:10Z');
const reporter = { environmentId: 4, kind: 'client' as const };
const report = (overrides: Partial<TelemetryReport> = {}): TelemetryReport => ({
  sdk: { name: '@ensign/sdk-browser', version: '0.3.0' },
  instanceId: 'tab-1',
  revision: 12,
  window: { start: '2026-11-28T13:29:10Z', end: '2026-11-28T13:30:10Z' },
  flags: { checkout: { '0': 5, '1': 1, default: 2 } },
  ...overrides,
});

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return { kind: error.kind, issues: error.issues?.map((i) => i.path) };
    throw error;
  }
  throw new Error('did not throw');
}

describe('telemetryRecord', () => {
  it('puts the counts in the UTC hour of the window start, with "default" as variation -1', () => {
    expect(telemetryRecord(reporter, report(), receivedAt)).toEqual({
      environmentId: 4,
      instanceId: 'tab-1',
      sdk: { name: '@ensign/sdk-browser', version: '0.3.0' },
      revision: 12,
      keyKind: 'client',
      receivedAt,
      hour: new Date('2026-11-28T13:00:00Z'),
      evaluatedAt: new Date('2026-11-28T13:30:10Z'),
      flags: [
        {
          flagKey: 'checkout',
          counts: [
            { variation: 0, count: 5 },
            { variation: 1, count: 1 },
            { variation: -1, count: 2 },
          ],
        },
      ],
    } satisfies TelemetryRecord);
  });

  it('reads offsets, and never records an evaluation later than now', () => {
    const record = telemetryRecord(
      reporter,
      report({ window: { start: '2026-11-28T14:59:00+02:00', end: '2026-11-28T13:33:00Z' } }),
      receivedAt,
    );
    expect(record.hour).toEqual(new Date('2026-11-28T12:00:00Z'));
    expect(record.evaluatedAt).toEqual(receivedAt);
  });

  it('refuses windows ahead of the clock by more than 5 minutes, or older than a day, naming the field', () => {
    expect(
      issuesOf(() =>
        telemetryRecord(
          reporter,
          report({ window: { start: '2026-11-28T13:35:00Z', end: '2026-11-28T13:36:00Z' } }),
          receivedAt,
        ),
      ),
    ).toEqual({ kind: 'invalid', issues: ['window.end'] });
    expect(
      issuesOf(() =>
        telemetryRecord(
          reporter,
          report({ window: { start: '2026-11-27T13:00:00Z', end: '2026-11-27T13:01:00Z' } }),
          receivedAt,
        ),
      ),
    ).toEqual({ kind: 'invalid', issues: ['window.start'] });
  });
});

describe('telemetryRecorder', () => {
  function fakeStore(prune: Store['pruneTelemetry'] = async () => ({ instances: 0, usageRows: 0 })) {
    const recorded: TelemetryRecord[] = [];
    const pruned: Array<Parameters<Store['pruneTelemetry']>> = [];
    const store = {
      recordTelemetry: async (r: TelemetryRecord) => {
        recorded.push(r);
      },
      pruneTelemetry: async (...args: Parameters<Store['pruneTelemetry']>) => {
        pruned.push(args);
        return prune(...args);
      },
    } as unknown as Store;
    return { store, recorded, pruned };
  }

  it('records each report and prunes each environment at most once per period', async () => {
    let now = receivedAt;
    const { store, recorded, pruned } = fakeStore();
    const record = telemetryRecorder(store, { now: () => now, pruneEveryMs: 60_000 });
    await record(reporter, report());
    await record(reporter, report());
    await record({ environmentId: 5, kind: 'server' }, report());
    now = new Date(receivedAt.getTime() + 60_000);
    await record(
      reporter,
      report({ window: { start: '2026-11-28T13:30:10Z', end: '2026-11-28T13:31:10Z' } }),
    );
    expect(recorded).toHaveLength(4);
    expect(pruned.map(([environmentId]) => environmentId)).toEqual([4, 5, 4]);
    expect(pruned[0]![1]).toEqual({
      instancesSeenBefore: new Date('2026-11-21T13:30:10Z'),
      usageBefore: new Date('2026-08-30T13:30:10Z'),
    });
  });

  it('does not fail a recorded report when pruning fails', async () => {
    const onError = vi.fn();
    const { store, recorded } = fakeStore(async () => {
      throw new Error('disk full');
    });
    await telemetryRecorder(store, { now: () => receivedAt, onError })(reporter, report());
    expect(recorded).toHaveLength(1);
    expect(onError).toHaveBeenCalledWith('pruning telemetry', expect.any(Error));
  });

  it('records nothing for an invalid window', async () => {
    const { store, recorded } = fakeStore();
    const record = telemetryRecorder(store, { now: () => receivedAt });
    await expect(
      record(reporter, report({ window: { start: '2026-11-29T00:00:00Z', end: '2026-11-29T00:01:00Z' } })),
    ).rejects.toBeInstanceOf(DomainError);
    expect(recorded).toEqual([]);
  });
});
