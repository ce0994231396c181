/**
 * @ensign/core/schema — zod schemas of the Ensign model, for the server, the CLI and tooling.
 * Never import this from browser code: it pulls in zod. The shapes match `model.ts` exactly
 * (checked by `index.test.ts`); semantic rules (regex syntax, weight sums, variation indexes…)
 * come from the core compiler itself, so the API and the SDKs can never disagree on validity.
 */
import { z } from 'zod';
import { CompileError } from '../compile-error.js';
import { compileFlag, compileSegment } from '../default-ruleset.js';
import { OPERATORS } from '../model.js';

const key = z.string().min(1).max(256);
const index = z.int().min(0);
const weight = z.int().min(0).max(100_000);

export const jsonValueSchema = z.json();

export const operatorSchema = z.enum(OPERATORS);

export const clauseSchema = z
  .object({
    attribute: z.string().min(1),
    op: operatorSchema,
    values: z.array(jsonValueSchema),
    negate: z.boolean().exactOptional(),
    caseInsensitive: z.boolean().exactOptional(),
  })
  .meta({ id: 'Clause' });

export const rolloutSchema = z
  .object({
    bucketBy: z.string().min(1).exactOptional(),
    seed: z.int().exactOptional(),
    variations: z.array(z.object({ variation: index, weight })).min(1),
  })
  .meta({ id: 'Rollout', description: 'Weights are out of 100,000 and must sum to exactly 100,000.' });

export const serveSchema = z
  .union([z.strictObject({ variation: index }), z.strictObject({ rollout: rolloutSchema })])
  .meta({ id: 'Serve', description: 'Exactly one of a fixed variation or a rollout.' });

export const ruleSchema = z
  .object({
    id: z.string().min(1),
    description: z.string().exactOptional(),
    clauses: z.array(clauseSchema),
    serve: serveSchema,
  })
  .meta({ id: 'Rule' });

/** The flag shape without the compiler's semantic checks (for JSON Schema and OpenAPI). */
export const flagShapeSchema = z
  .object({
    key,
    version: z.int().min(0),
    type: z.enum(['boolean', 'string', 'number', 'json']),
    on: z.boolean(),
    variations: z.array(jsonValueSchema).min(1),
    offVariation: index,
    targets: z.array(z.object({ variation: index, values: z.array(z.string()) })).exactOptional(),
    prerequisites: z.array(z.object({ key, variation: index })).exactOptional(),
    rules: z.array(ruleSchema).exactOptional(),
    fallthrough: serveSchema,
    salt: z.string().exactOptional(),
    clientSide: z.boolean().exactOptional(),
  })
  .meta({ id: 'Flag', description: "A flag's configuration in one environment (docs/evaluation.md)." });

/** The segment shape without the compiler's semantic checks. */
export const segmentShapeSchema = z
  .object({
    key,
    version: z.int().min(0),
    included: z.array(z.string()).exactOptional(),
    excluded: z.array(z.string()).exactOptional(),
    rules: z
      .array(
        z.object({
          id: z.string().exactOptional(),
          clauses: z.array(clauseSchema),
          weight: weight.exactOptional(),
          bucketBy: z.string().min(1).exactOptional(),
        }),
      )
      .exactOptional(),
    salt: z.string().exactOptional(),
  })
  .meta({ id: 'Segment' });

/** `rules[2].clauses[0]` → `['rules', 2, 'clauses', 0]`. */
export function parseCompilePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

function compiles(compile: (raw: unknown) => unknown) {
  return (value: unknown, ctx: z.RefinementCtx) => {
    try {
      compile(value);
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      ctx.addIssue({ code: 'custom', path: parseCompilePath(e.path), message: e.problem });
    }
  };
}

/** A flag: its shape, then every semantic rule of the compiler, with issue paths naming the field. */
export const flagSchema = flagShapeSchema.superRefine(compiles(compileFlag));

/** A segment: its shape, then every semantic rule of the compiler. */
export const segmentSchema = segmentShapeSchema.superRefine(compiles(compileSegment));

/** JSON Schema (draft 2020-12) documents of the flag and segment shapes. */
export function modelJsonSchemas(): { flag: unknown; segment: unknown } {
  return {
    flag: z.toJSONSchema(flagShapeSchema, { target: 'draft-2020-12' }),
    segment: z.toJSONSchema(segmentShapeSchema, { target: 'draft-2020-12' }),
  };
}
