/**
 * Every adapter serves the scenario flags correctly: checked on hand-picked users (a country outside
 * DE/FR/NL is OFF everywhere; scenario B is ON for every plan) and on all 10,000 benchmark users
 * (the same checks as a benchmark run), without touching the network.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installNetworkGuard } from '../network-guard.js';
import type { ScenarioId } from '../scenarios.js';
import { type BenchUser, makeUsers } from '../users.js';
import { problemsOf, tally } from '../verification.js';
import { OPENFEATURE_SDK_IDS, SDK_IDS, type SdkSession } from './adapter.js';
import { loadAdapter } from './registry.js';

const picked: BenchUser[] = [
  { key: 'a0c1c4f2-0b4e-4c6e-9a51-000000000001', country: 'US', plan: 'free' },
  { key: 'a0c1c4f2-0b4e-4c6e-9a51-000000000002', country: 'JP', plan: 'pro' },
  { key: 'a0c1c4f2-0b4e-4c6e-9a51-000000000003', country: 'GB', plan: 'enterprise' },
  { key: 'a0c1c4f2-0b4e-4c6e-9a51-000000000004', country: 'PL', plan: 'free' },
  { key: 'a0c1c4f2-0b4e-4c6e-9a51-000000000005', country: 'DE', plan: 'pro' },
  { key: 'a0c1c4f2-0b4e-4c6e-9a51-000000000006', country: 'FR', plan: 'enterprise' },
  { key: 'a0c1c4f2-0b4e-4c6e-9a51-000000000007', country: 'NL', plan: 'free' },
];
const outside = [0, 1, 2, 3];
const benchUsers = makeUsers();
const users = [...picked, ...benchUsers];
const guard = installNetworkGuard();

describe.each([...SDK_IDS, ...OPENFEATURE_SDK_IDS])('%s adapter', (sdk) => {
  let session: SdkSession | undefined;

  async function valueFor(scenario: ScenarioId, index: number): Promise<unknown> {
    if (session === undefined) throw new Error(`${sdk} did not start`);
    const evaluator = session.evaluator(scenario);
    return evaluator.mode === 'sync' ? evaluator.evaluate(index) : await evaluator.evaluate(index);
  }

  beforeAll(async () => {
    session = await (await loadAdapter(sdk)).start(users);
  });

  afterAll(async () => {
    await session?.close();
    expect(guard.attempts).toEqual([]);
  });

  it('names the SDK version and the API it times', () => {
    expect(session?.version).toMatch(/@\d+\.\d+\.\d+/);
    expect(session?.api).not.toBe('');
  });

  it('serves A OFF to users outside DE/FR/NL', async () => {
    for (const i of outside) expect(await valueFor('a', i)).toBe(false);
  });

  it('serves A a boolean to DE/FR/NL users, the same every time', async () => {
    for (const i of [4, 5, 6]) {
      const first = await valueFor('a', i);
      expect(typeof first).toBe('boolean');
      expect(await valueFor('a', i)).toBe(first);
    }
  });

  it('serves B ON (rule 20) for every plan', async () => {
    for (let i = 0; i < picked.length; i++) expect(await valueFor('b', i)).toBe(true);
  });

  it.each(['a', 'b'] as const)(
    'passes the benchmark checks for scenario %s on all 10,000 users',
    async (scenario) => {
      const values: unknown[] = [];
      for (let i = 0; i < benchUsers.length; i++) values.push(await valueFor(scenario, picked.length + i));
      expect(problemsOf(scenario, tally(scenario, benchUsers, values))).toEqual([]);
    },
  );
});
