import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { Flag, Segment } from '../model.js';
import {
  flagSchema,
  type flagShapeSchema,
  modelJsonSchemas,
  parseCompilePath,
  segmentSchema,
  type segmentShapeSchema,
} from './index.js';

const flag: Flag = {
  key: 'checkout',
  version: 1,
  type: 'boolean',
  on: true,
  variations: [true, false],
  offVariation: 1,
  rules: [
    { id: 'r1', clauses: [{ attribute: 'country', op: 'in', values: ['DE'] }], serve: { variation: 0 } },
  ],
  fallthrough: {
    rollout: {
      variations: [
        { variation: 0, weight: 50_000 },
        { variation: 1, weight: 50_000 },
      ],
    },
  },
};

describe('@ensign/core/schema', () => {
  it('has exactly the shapes of model.ts', () => {
    expectTypeOf<z.infer<typeof flagShapeSchema>>().toExtend<Flag>();
    expectTypeOf<Flag>().toExtend<z.infer<typeof flagShapeSchema>>();
    expectTypeOf<z.infer<typeof segmentShapeSchema>>().toExtend<Segment>();
    expectTypeOf<Segment>().toExtend<z.infer<typeof segmentShapeSchema>>();
  });

  it('accepts a valid flag', () => {
    expect(flagSchema.safeParse(flag).success).toBe(true);
  });

  it('reports shape problems with the field path', () => {
    const r = flagSchema.safeParse({ ...flag, offVariation: -1, rules: [{ ...flag.rules![0], id: 5 }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([['offVariation'], ['rules', 0, 'id']]),
    );
  });

  it('reports the compiler’s semantic problems with the field path', () => {
    const r = flagSchema.safeParse({
      ...flag,
      rules: [
        {
          id: 'r1',
          clauses: [{ attribute: 'ip', op: 'cidr', values: ['10.0.0.0/8', '300.1.1.1/8'] }],
          serve: { variation: 0 },
        },
      ],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues).toEqual([
      expect.objectContaining({
        path: ['rules', 0, 'clauses', 0, 'values', 1],
        message: 'invalid CIDR block "300.1.1.1/8"',
      }),
    ]);
    const weights = flagSchema.safeParse({
      ...flag,
      fallthrough: { rollout: { variations: [{ variation: 0, weight: 50_000 }] } },
    });
    expect(weights.error?.issues[0]).toMatchObject({ path: ['fallthrough', 'rollout', 'variations'] });
    expect(
      segmentSchema.safeParse({
        key: 's',
        version: 1,
        rules: [{ clauses: [{ attribute: 'a', op: 'matches', values: ['(a'] }] }],
      }).success,
    ).toBe(false);
  });

  it('parses compiler paths', () => {
    expect(parseCompilePath('rules[2].clauses[0].values[11]')).toEqual([
      'rules',
      2,
      'clauses',
      0,
      'values',
      11,
    ]);
    expect(parseCompilePath('')).toEqual([]);
  });

  it('exports JSON Schema documents', () => {
    const { flag: schema } = modelJsonSchemas() as {
      flag: { $schema: string; $defs: { Flag: { required: string[] } } };
    };
    expect(schema.$schema).toContain('2020-12');
    expect(schema.$defs.Flag.required).toEqual(
      expect.arrayContaining(['key', 'version', 'type', 'on', 'variations', 'fallthrough']),
    );
  });
});
