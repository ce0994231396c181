import { describe, expect, it } from 'vitest';
import { createRuleset } from './default-ruleset.js';
import type { Flag, Target } from './model.js';
import { compileTargets, findTarget, targetsSource } from './target-list.js';

const flagWith = (targets: Target[]): Flag => ({
  key: 'f',
  version: 1,
  type: 'number',
  on: true,
  variations: [0, 1, 2],
  offVariation: 0,
  targets,
  fallthrough: { variation: 0 },
});

describe('target lists', () => {
  it('pack a few keys and index many, and rebuild both as given', () => {
    const few: Target[] = [
      { variation: 1, values: ['ann', 'bob'] },
      { variation: 2, values: [] },
      { variation: 2, values: ['cy'] },
    ];
    const small = compileTargets(few, 3);
    expect(small.index).toBeUndefined();
    expect(small.targets).toHaveLength(6);
    expect(findTarget(small.targets, 'cy')).toBe(2);
    expect(findTarget(small.targets, 'dan')).toBe(-1);
    expect(targetsSource(small.targets, small.index)).toEqual(few);

    const many: Target[] = [
      { variation: 1, values: Array.from({ length: 10 }, (_, i) => `a${i}`) },
      { variation: 2, values: Array.from({ length: 10 }, (_, i) => `b${i}`) },
    ];
    const large = compileTargets(many, 3);
    expect(large.index?.get('b3')).toBe(1);
    expect(large.targets).toEqual([1, 10, 2, 10]);
    expect(targetsSource(large.targets, large.index)).toEqual(many);
  });

  it('index a few keys too when one is too long to pack', () => {
    const long = 'k'.repeat(70_000);
    const compiled = compileTargets([{ variation: 1, values: ['ann', long] }], 3);
    expect(compiled.index?.get(long)).toBe(0);
    expect(targetsSource(compiled.targets, compiled.index)).toEqual([
      { variation: 1, values: ['ann', long] },
    ]);
    const rules = createRuleset({ flags: [flagWith([{ variation: 2, values: ['ann', long] }])] });
    expect(rules.evaluate('f', { key: long }).value).toBe(2);
  });

  it('serve the first target listing a key, short or long, plain or hashed', () => {
    for (const size of [3, 40]) {
      const values = Array.from({ length: size }, (_, i) => `user-${i}`);
      const rules = createRuleset({
        flags: [
          flagWith([
            { variation: 1, values },
            { variation: 2, values: ['user-0', 'zed'] },
          ]),
        ],
      });
      expect(rules.evaluate('f', { key: 'user-0' })).toMatchObject({
        value: 1,
        reason: { kind: 'TARGET_MATCH' },
      });
      expect(rules.evaluate('f', { key: `user-${size - 1}` }).value).toBe(1);
      expect(rules.evaluate('f', { key: 'zed' }).value).toBe(2);
      expect(rules.evaluate('f', { key: 'user-x' }).reason.kind).toBe('FALLTHROUGH');
      expect(rules.evaluate('f', {}).reason.kind).toBe('FALLTHROUGH');
      expect(rules.getFlag('f')?.targets?.[0]?.values).toEqual(values);
    }
    const hashed = createRuleset({
      flags: [flagWith([{ variation: 2, values: ['#ann'] }])],
      lookupKey: (key) => `#${key}`,
    });
    expect(hashed.evaluate('f', { key: 'ann' }).value).toBe(2);
    expect(hashed.evaluate('f', { key: '#ann' }).value).toBe(0);
  });

  it('report the path of an invalid target', () => {
    const rules = createRuleset({ flags: [flagWith([{ variation: 1, values: ['a', 7 as never] }])] });
    expect(rules.problems()[0]).toMatchObject({ path: 'targets[0].values[1]' });
    const bad = createRuleset({ flags: [flagWith([{ variation: 3, values: [] }])] });
    expect(bad.problems()[0]).toMatchObject({ path: 'targets[0].variation' });
  });
});
