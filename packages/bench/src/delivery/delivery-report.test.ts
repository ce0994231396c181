import { describe, expect, it } from 'vitest';
import { summarizeLatencies } from '../server/latency.js';
import { deliveryPlan } from './delivery-plan.js';
import { medianRun, renderDeliveryReport, rssAt } from './delivery-report.js';
import type { RpsRun } from './rps-bench.js';

const run = (perSecond: number, p99: number): RpsRun => ({
  requests: perSecond * 10,
  perSecond,
  latency: summarizeLatencies([p99 / 2, p99]),
  serverCores: 0.98,
  clientCores: 0.2,
});

describe('medianRun', () => {
  it('is the run of median throughput (the lower middle for an even count)', () => {
    expect(medianRun([run(3, 1), run(1, 1), run(2, 9)]).perSecond).toBe(2);
    expect(medianRun([run(4, 1), run(1, 1)]).perSecond).toBe(1);
  });
});

describe('rssAt', () => {
  it('extrapolates linearly from the idle server through the last step', () => {
    const steps = [{ streams: 10_000, rssBytes: 300 * 2 ** 20 }];
    expect(rssAt(steps, 100 * 2 ** 20, 20_000)).toBe(500 * 2 ** 20);
    expect(rssAt([], 100, 20_000)).toBe(100);
  });
});

describe('renderDeliveryReport', () => {
  const machine = { cpuModel: 'CPU', cores: 2, node: 'v20', os: 'Linux', memoryGiB: 24 };
  const change = (revision: number, samples: number[]) => ({
    revision,
    commitMs: 3,
    delivery: summarizeLatencies(samples),
  });

  it('puts the targets first, with the verdicts and what capped a measurement', () => {
    const report = renderDeliveryReport({
      machine,
      startedAt: new Date('2026-01-01T00:00:00Z'),
      durationSeconds: 60,
      load: { before: 0.5, after: 0.7 },
      results: {
        plan: deliveryPlan({}, false),
        fanout: {
          clients: 10_000,
          workers: 4,
          serverWorkers: 2,
          connectMs: 5_000,
          serverRssBytes: 300 * 2 ** 20,
          warmupChanges: 2,
          changes: [change(27, [50, 90]), change(28, [60, 120])],
        },
        streams: {
          target: 20_000,
          openFilesLimit: 20_000,
          held: 19_945,
          baselineRssBytes: 75 * 2 ** 20,
          steps: [{ streams: 19_945, rssBytes: 557 * 2 ** 20 }],
          delivery: summarizeLatencies([100, 200]),
        },
        rps: {
          pinned: true,
          connections: 32,
          seconds: 10,
          endpoints: [
            {
              endpoint: 'ofrep',
              path: '/ofrep/v1/evaluate/flags/scenario-a',
              flagsPerRequest: 1,
              runs: [run(16_000, 4)],
            },
          ],
        },
      },
    });
    expect(report).toMatch(
      /\| a change reaching 10,000 SSE clients \(server `--workers 2`\): p99 \(median of 2 changes; worst\) \| 105 ms \(worst 120 ms\) \| ≤ 100 ms at 10,000 \| \*\*missed\*\* \|/,
    );
    expect(report).toMatch(
      /\| 19,945 streams, 557 MiB \(558 MiB extrapolated to 20,000\) \| 20,000 at ≤ 1,024 MiB \| memory met; count capped by the open-files limit \(20000\) \|/,
    );
    expect(report).toMatch(
      /\| `POST \/ofrep\/v1\/evaluate\/flags\/scenario-a` \(1 flag\), median run: req\/s \(p99\) \| 16,000 \(4.00 ms\) \| ≥ 15,000 \(≤ 5 ms\) \| met \|/,
    );
    expect(report).toContain('server on CPU 0, load generator on CPU 1');
  });
});
