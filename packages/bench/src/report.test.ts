import { describe, expect, it } from 'vitest';
import { aggregate, formatNs, renderTable, renderTargets } from './report.js';
import type { RunResult } from './run-result.js';
import type { SdkId } from './sdks/adapter.js';

const tallyA = { users: 10_000, on: 900, targeted: 3000, targetedOn: 900, untargetedOn: 0 };

function result(sdk: SdkId, nsPerEval: number): RunResult {
  return {
    sdk,
    scenario: 'a',
    version: `${sdk}@1.0.0`,
    api: 'evaluate()',
    mode: 'sync',
    warmupEvals: 10,
    evals: 100,
    elapsedNs: nsPerEval * 100,
    nsPerEval,
    tally: tallyA,
    timedOn: 9,
    gcDuringTimed: 0,
  };
}

describe('report', () => {
  it('takes medians per SDK and ratios against Ensign', () => {
    const rows = aggregate([
      result('unleash', 3000),
      result('ensign', 100),
      result('ensign', 80),
      result('unleash', 2000),
      result('ensign', 90),
    ]);
    expect(rows.map((r) => r.sdk)).toEqual(['ensign', 'unleash']);
    expect(rows[0]?.summary).toEqual({ median: 90, min: 80, max: 100 });
    expect(rows[1]?.summary.median).toBe(2500);
    expect(rows[1]?.ratio).toBeCloseTo(2500 / 90);
    const table = renderTable(rows);
    expect(table).toContain(
      '| ensign@1.0.0 | A: country ∈ {DE,FR,NL} ∧ 30 % rollout | 90.0 | 80.0–100 (3) | 1.00× | 0 | 30.0 % of DE/FR/NL · 9.0 % overall |',
    );
    expect(table).toContain('| 2,500 | 2,000–3,000 (2) | 27.8× |');
    expect(renderTargets(rows)).toBe('- Scenario A: Ensign 90.0 ns, target ≤ 120 ns — met.');
  });

  it('leaves the ratio empty without Ensign', () => {
    const rows = aggregate([result('configcat', 900)]);
    expect(rows[0]?.ratio).toBeUndefined();
    expect(renderTable(rows)).toContain('| — |');
  });

  it('formats nanoseconds', () => {
    expect(formatNs(85.27)).toBe('85.3');
    expect(formatNs(872.4)).toBe('872');
    expect(formatNs(99.96)).toBe('100');
    expect(formatNs(1587.2)).toBe('1,587');
  });
});
