import { describe, expect, it } from 'vitest';
import type { Environment, InstanceRevisionQuery, Store } from '../store/store.js';
import { propagation, propagationSummary } from './propagation.js';

describe('propagationSummary', () => {
  it.each([
    [
      { revision: 42, seen: 310, current: 310, windowSeconds: 60 },
      'revision 42: held by 310 of 310 instances seen in the last minute',
    ],
    [
      { revision: 42, seen: 1, current: 0, windowSeconds: 60 },
      'revision 42: held by 0 of 1 instance seen in the last minute',
    ],
    [
      { revision: 7, seen: 0, current: 0, windowSeconds: 300 },
      'revision 7: no instances seen in the last 5 minutes',
    ],
    [
      { revision: 7, seen: 3, current: 2, windowSeconds: 90, keyKind: 'server' as const },
      'revision 7: held by 2 of 3 server instances seen in the last 90 seconds',
    ],
    [
      { revision: 1, seen: 2, current: 2, windowSeconds: 3600 },
      'revision 1: held by 2 of 2 instances seen in the last hour',
    ],
    [
      { revision: 1, seen: 2, current: 2, windowSeconds: 172_800 },
      'revision 1: held by 2 of 2 instances seen in the last 2 days',
    ],
    [
      { revision: 1, seen: 2, current: 2, windowSeconds: 1 },
      'revision 1: held by 2 of 2 instances seen in the last second',
    ],
  ])('%j', (input, expected) => {
    expect(propagationSummary(input)).toBe(expected);
  });
});

describe('propagation', () => {
  it("asks the store about the environment's current revision within the window", async () => {
    const queries: InstanceRevisionQuery[] = [];
    const store = {
      instanceRevisions: async (_id: number, query: InstanceRevisionQuery) => {
        queries.push(query);
        return { seen: 3, current: 2, lagging: [] };
      },
    } as unknown as Store;
    const env = { id: 1, revision: 42 } as Environment;
    const now = new Date('2026-11-28T13:30:00Z');
    const result = await propagation(store, env, {
      windowSeconds: 60,
      laggingLimit: 5,
      keyKind: 'client',
      now,
    });
    expect(queries).toEqual([
      {
        seenSince: new Date('2026-11-28T13:29:00Z'),
        currentRevision: 42,
        laggingLimit: 5,
        keyKind: 'client',
      },
    ]);
    expect(result).toEqual({
      revision: 42,
      windowSeconds: 60,
      seen: 3,
      current: 2,
      lagging: [],
      summary: 'revision 42: held by 2 of 3 client instances seen in the last minute',
    });
  });
});
