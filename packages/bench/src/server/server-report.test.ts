import { describe, expect, it } from 'vitest';
import { serverPlan } from './server-plan.js';
import {
  formatMs,
  renderServerReport,
  renderStartupTable,
  renderWriteTable,
  type ServerResults,
  targetRows,
  writesPerSecond,
} from './server-report.js';
import type { WritePhase } from './write-bench.js';

/** `writes` latencies of 1 … writes/100 ms spread evenly, over `seconds`. */
function phase(lanes: number, writes: number, seconds: number, scale = 1): WritePhase {
  return {
    lanes,
    writes,
    elapsedMs: seconds * 1000,
    latenciesMs: Array.from({ length: writes }, (_, i) => ((i + 1) / 100) * scale),
    clientCpuMs: writes * 0.25,
    serverCpuMs: writes * 0.5,
  };
}

function results(overrides: Partial<ServerResults> = {}): ServerResults {
  return {
    plan: serverPlan({}, false),
    seedMs: 4200,
    startup: {
      nodeMs: [40, 42, 41],
      modulesMs: [150, 160, 155],
      listeningMs: [200, 210, 205],
      readyMs: [210, 250, 220],
      polls: [150, 160, 155],
    },
    writes: {
      sequential: phase(1, 400, 1), // latencies 0.01 … 4 ms: p99 3.96, p50 2
      concurrent: [phase(8, 2000, 1), phase(32, 1000, 2)],
    },
    ...overrides,
  };
}

describe('formatMs', () => {
  it('keeps about three significant digits', () => {
    expect(formatMs(0.8765)).toBe('0.88');
    expect(formatMs(9.994)).toBe('9.99');
    expect(formatMs(9.996)).toBe('10.0');
    expect(formatMs(48.61)).toBe('48.6');
    expect(formatMs(1327.4)).toBe('1,327');
  });
});

describe('targetRows', () => {
  it('says met when every target is met', () => {
    expect(targetRows(results())).toEqual([
      {
        what: 'flag write committed, 1 in flight: p99 (p50)',
        measured: '3.96 ms (2.00 ms)',
        target: 'p99 ≤ 5 ms',
        verdict: 'met',
      },
      { what: 'writes/s, 8 in flight', measured: '2,000', target: '≥ 1,000', verdict: 'met' },
      {
        what: 'writes/s, 32 in flight',
        measured: '500',
        target: '≥ 1,000',
        verdict: '**missed** (2.0× the target)',
      },
      {
        what: 'start to ready, 1,000 flags: median (max)',
        measured: '220 ms (250 ms)',
        target: '≤ 300 ms',
        verdict: 'met',
      },
    ]);
  });

  it('says by how much a latency target is missed', () => {
    const slow = results({
      writes: { sequential: phase(1, 400, 1, 4), concurrent: [] },
      startup: { ...results().startup, readyMs: [600, 610, 590] },
    });
    const rows = targetRows(slow);
    expect(rows[0]!.verdict).toBe('**missed** (3.2× the target)'); // p99 15.84 ms
    expect(rows.at(-1)!.verdict).toBe('**missed** (2.0× the target)');
  });
});

describe('tables', () => {
  it('renders one write row per phase with per-write CPU', () => {
    const table = renderWriteTable(results().writes);
    expect(writesPerSecond({ writes: 2000, elapsedMs: 1000 })).toBe(2000);
    expect(table).toContain('| 1 | 400 | 1.0 | 400 | 2.00 | 3.60 | 3.96 | 4.00 | 4.00 | 0.50 | 0.25 |');
    expect(table).toContain('| 8 | 2,000 | 1.0 | 2,000 |');
    expect(table).toContain('| 32 | 1,000 | 2.0 | 500 |');
  });

  it('shows a dash where the server CPU time is unknown', () => {
    const unknown = { ...phase(1, 10, 1), serverCpuMs: undefined };
    expect(renderWriteTable({ sequential: unknown, concurrent: [] })).toMatch(/\| — \| 0\.25 \|$/m);
  });

  it('renders the start-up medians with their baselines', () => {
    const table = renderStartupTable(results().startup);
    expect(table).toContain("| exit of `node -e ''` (node's own start-up) | 41.0 | 40.0 | 42.0 |");
    expect(table).toContain('| **first `/readyz` 200** | 220 | 210 | 250 |');
  });

  it('puts it together with the machine and the method', () => {
    const report = renderServerReport({
      machine: { cpuModel: 'CPU', cores: 2, node: 'v20', os: 'Linux', memoryGiB: 24 },
      startedAt: new Date('2026-01-01T00:00:00Z'),
      durationSeconds: 61,
      load: { before: 0.1, after: 0.9 },
      results: results(),
    });
    expect(report).toMatch(/^Measured 2026-01-01T00:00:00\.000Z on CPU, 2 cores/);
    expect(report).toContain('1,000 boolean flags created through the API (4.2 s');
    expect(report).toContain('| writes/s, 8 in flight | 2,000 | ≥ 1,000 | met |');
  });
});
