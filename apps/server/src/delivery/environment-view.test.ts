import type { Flag, Segment } from '@ensign/core';
import { describe, expect, it } from 'vitest';
import { clientView, diffViews, type EnvironmentState, isEmptyChange } from './environment-view.js';

const hash = (key: string) => `h(${key})`;

function flag(key: string, extra: Partial<Flag> = {}): Flag {
  return {
    key,
    version: 1,
    type: 'boolean',
    on: true,
    variations: [true, false],
    offVariation: 1,
    fallthrough: { variation: 1 },
    ...extra,
  };
}
const uses = (segment: string) => [
  {
    id: 'r',
    clauses: [{ attribute: 'key', op: 'segmentMatch' as const, values: [segment] }],
    serve: { variation: 0 },
  },
];

function state(flags: Flag[], segments: Segment[]): EnvironmentState {
  return {
    revision: 1,
    flags: new Map(flags.map((f) => [f.key, f])),
    segments: new Map(segments.map((s) => [s.key, s])),
  };
}

describe('client view', () => {
  it('keeps only client-side flags and the segments they use, nested ones included', () => {
    const s = state(
      [flag('web', { clientSide: true, rules: uses('beta') }), flag('backend', { rules: uses('internal') })],
      [
        {
          key: 'beta',
          version: 1,
          rules: [{ clauses: [{ attribute: 'key', op: 'segmentMatch', values: ['staff'] }] }],
        },
        { key: 'staff', version: 1, included: ['alice'] },
        { key: 'internal', version: 1, included: ['bob'] },
      ],
    );
    const view = clientView(s, hash, new WeakMap());
    expect([...view.flags.keys()]).toEqual(['web']);
    expect([...view.segments.keys()].sort()).toEqual(['beta', 'staff']);
  });

  it('hashes target keys and segment lists, never leaving a user key in clear text', () => {
    const s = state(
      [
        flag('web', {
          clientSide: true,
          targets: [{ variation: 0, values: ['alice', 'bob'] }],
          rules: uses('vip'),
        }),
      ],
      [{ key: 'vip', version: 3, included: ['carol'], excluded: ['dave'] }],
    );
    const view = clientView(s, hash, new WeakMap());
    expect(view.flags.get('web')!.targets).toEqual([{ variation: 0, values: ['h(alice)', 'h(bob)'] }]);
    expect(view.segments.get('vip')).toMatchObject({
      included: ['h(carol)'],
      excluded: ['h(dave)'],
      version: 3,
    });
    const text = JSON.stringify([...view.flags.values(), ...view.segments.values()]);
    for (const user of ['"alice"', '"bob"', '"carol"', '"dave"']) expect(text).not.toContain(user);
    // The stored documents are untouched.
    expect(s.flags.get('web')!.targets![0]!.values).toEqual(['alice', 'bob']);
  });

  it('hashes each document once, however many views are built', () => {
    let calls = 0;
    const counting = (key: string) => {
      calls++;
      return hash(key);
    };
    const cache = new WeakMap();
    const s = state([flag('web', { clientSide: true, targets: [{ variation: 0, values: ['a'] }] })], []);
    clientView(s, counting, cache);
    clientView(s, counting, cache);
    expect(calls).toBe(1);
  });
});

describe('diffViews', () => {
  it('lists new and changed documents by version, and keys that left', () => {
    const before = state([flag('a'), flag('b'), flag('c')], [{ key: 's', version: 1 }]);
    const after = state([flag('a'), flag('b', { version: 2 }), flag('d')], []);
    const change = diffViews(before, after);
    expect(change.flags.map((f) => f.key)).toEqual(['b', 'd']);
    expect(change.deleted).toEqual({ flags: ['c'], segments: ['s'] });
    expect(isEmptyChange(change)).toBe(false);
    expect(isEmptyChange(diffViews(after, after))).toBe(true);
  });
});
