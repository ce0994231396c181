import { allOperators, hashContextKey } from '@ensign/core';
import { describe, expect, it } from 'vitest';
import { FlagState } from './flag-state.js';

const flag = (key: string, version: number, extra: Record<string, unknown> = {}) => ({
  key,
  version,
  type: 'boolean',
  variations: [true, false],
  on: true,
  offVariation: 1,
  fallthrough: { variation: 1 },
  ...extra,
});
const inSegment = (segment: string) => ({
  rules: [
    {
      id: 'r',
      clauses: [{ attribute: 'key', op: 'segmentMatch', values: [segment] }],
      serve: { variation: 0 },
    },
  ],
});
const change = (
  revision: number,
  parts: Partial<{ flags: unknown[]; segments: unknown[]; deleted: { flags: string[]; segments: string[] } }>,
) => ({
  revision,
  flags: parts.flags ?? [],
  segments: parts.segments ?? [],
  deleted: parts.deleted ?? { flags: [], segments: [] },
});

describe('FlagState', () => {
  it('serves the default with CLIENT_NOT_READY until a snapshot is loaded', () => {
    const state = new FlagState(allOperators);
    expect(state.loaded).toBe(false);
    expect(state.evaluate('a', { key: 'u' }, 'dflt')).toMatchObject({
      value: 'dflt',
      variation: undefined,
      reason: { kind: 'ERROR', errorKind: 'CLIENT_NOT_READY' },
    });
  });

  it('applies change events in order, ignores old ones and reports a gap', () => {
    const state = new FlagState(allOperators);
    state.applySnapshot({ revision: 5, flags: [flag('a', 1)], segments: [] });
    expect(state.evaluate('a', { key: 'u' }, null).value).toBe(false);
    expect(
      state.applyChange(change(6, { flags: [flag('a', 2, { fallthrough: { variation: 0 } })] })),
    ).toEqual({
      kind: 'applied',
      changedFlags: ['a'],
    });
    expect(state.evaluate('a', { key: 'u' }, null).value).toBe(true);
    // An older or repeated revision never overwrites a newer one.
    expect(state.applyChange(change(6, { flags: [flag('a', 1)] }))).toEqual({ kind: 'stale' });
    expect(state.applyChange(change(3, { deleted: { flags: ['a'], segments: [] } }))).toEqual({
      kind: 'stale',
    });
    expect(state.evaluate('a', { key: 'u' }, null).value).toBe(true);
    expect(state.applyChange(change(8, {}))).toEqual({ kind: 'gap' });
    expect(state.revision).toBe(6);
    expect(state.applyChange(change(7, { deleted: { flags: ['a'], segments: [] } }))).toMatchObject({
      changedFlags: ['a'],
    });
    expect(state.evaluate('a', { key: 'u' }, null).reason).toMatchObject({ errorKind: 'FLAG_NOT_FOUND' });
  });

  it('reports the flags whose segments changed, through nested segments', () => {
    const state = new FlagState(allOperators);
    state.applySnapshot({
      revision: 1,
      flags: [flag('uses-outer', 1, inSegment('outer')), flag('plain', 1)],
      segments: [
        { key: 'outer', version: 1, ...inSegment('inner') },
        { key: 'inner', version: 1, included: [] },
      ],
    });
    expect(state.evaluate('uses-outer', { key: 'ann' }, null).value).toBe(false);
    const applied = state.applyChange(
      change(2, { segments: [{ key: 'inner', version: 2, included: ['ann'] }] }),
    );
    expect(applied).toEqual({ kind: 'applied', changedFlags: ['uses-outer'] });
    expect(state.evaluate('uses-outer', { key: 'ann' }, null).value).toBe(true);
  });

  it('tells what a new snapshot changed, and can skip one that is not newer', () => {
    const state = new FlagState(allOperators);
    state.applySnapshot({
      revision: 4,
      flags: [flag('a', 1), flag('b', 1), flag('c', 1, inSegment('s'))],
      segments: [{ key: 's', version: 1 }],
    });
    const applied = state.applySnapshot({
      revision: 9,
      flags: [flag('a', 1), flag('c', 1, inSegment('s')), flag('d', 1)],
      segments: [{ key: 's', version: 2, included: ['x'] }],
    });
    expect(applied.kind === 'applied' && applied.changedFlags.sort()).toEqual(['b', 'c', 'd']);
    expect(state.applySnapshot({ revision: 9, flags: [], segments: [] }, true)).toEqual({ kind: 'stale' });
    expect(state.flagKeys().sort()).toEqual(['a', 'c', 'd']);
  });

  it('evaluates hashed key lists with the snapshot’s salt, and round-trips through toSnapshot', () => {
    const salt = 'env-salt';
    const state = new FlagState(allOperators);
    state.applySnapshot({
      revision: 2,
      flags: [flag('t', 1, { targets: [{ variation: 0, values: [hashContextKey(salt, 'alice')] }] })],
      segments: [{ key: 'unused', version: 1 }],
      keyHashing: { salt },
    });
    expect(state.evaluate('t', { key: 'alice' }, null)).toMatchObject({
      value: true,
      reason: { kind: 'TARGET_MATCH' },
    });
    expect(state.evaluate('t', { key: 'bob' }, null).value).toBe(false);
    const copy = new FlagState(allOperators);
    copy.applySnapshot(state.toSnapshot()!);
    expect(copy.revision).toBe(2);
    expect(copy.evaluate('t', { key: 'alice' }, null).value).toBe(true);
    expect(state.toSnapshot()!.segments).toEqual([{ key: 'unused', version: 1 }]);
  });

  it('gives back every flag and segment as received (getFlag, toSnapshot), unknown members included', () => {
    const flags = [
      flag('a', 3, {
        salt: 'a',
        clientSide: false,
        targets: [{ variation: 0, values: ['ann', 'bob'] }],
        rules: [
          {
            id: 'r',
            description: 'beta users',
            clauses: [{ attribute: '/address/city', op: 'in', values: ['Oslo'], negate: false }],
            serve: { rollout: { bucketBy: 'id', variations: [{ variation: 0, weight: 100_000 }] } },
          },
        ],
      }),
      flag('b', 1, { owner: 'team-x' }), // a member the SDK does not know
      flag('c', 2, inSegment('s')),
    ];
    const segments = [{ key: 's', version: 1, included: ['ann'], rules: [{ clauses: [], weight: 50_000 }] }];
    const snapshot = { revision: 4, flags, segments };
    const state = new FlagState(allOperators);
    state.applySnapshot(structuredClone(snapshot));
    expect(state.getFlag('a')).toStrictEqual(flags[0]);
    expect(state.getFlag('b')).toStrictEqual(flags[1]);
    expect(state.toSnapshot()).toStrictEqual(snapshot);
    // A changed segment is still traced to the flags that use it.
    const applied = state.applyChange(change(5, { segments: [{ ...segments[0], version: 2 }] }));
    expect(applied).toEqual({ kind: 'applied', changedFlags: ['c'] });
  });

  it('never throws, even for a context whose getters throw', () => {
    const state = new FlagState(allOperators);
    state.applySnapshot({
      revision: 1,
      flags: [
        flag('a', 1, {
          rules: [
            { id: 'r', clauses: [{ attribute: 'plan', op: 'in', values: ['x'] }], serve: { variation: 0 } },
          ],
        }),
      ],
      segments: [],
    });
    const hostile = {
      key: 'u',
      get plan(): string {
        throw new Error('boom');
      },
    };
    const result = state.evaluate('a', hostile, 'dflt', 'boolean');
    expect(result.value).toBe('dflt');
    expect(result.reason.kind).toBe('ERROR');
  });
});
