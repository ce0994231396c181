import { type CompiledClause, compileClause } from './clause.js';
import { fail } from './compile-error.js';
import {
  type Json,
  readArray,
  readBoolean,
  readInteger,
  readObject,
  readOptionalArray,
  readOptionalBoolean,
  readString,
} from './config-reader.js';
import { frozenJson } from './frozen-json.js';
import type { Evaluation, Flag, FlagType, JsonValue, Reason } from './model.js';
import type { OperatorSet } from './operators/operator.js';
import { type CompiledServe, compileServe } from './rollout.js';
import { indexRuleRuns, type RuleRun } from './rule-index.js';

interface CompiledRule {
  readonly clauses: readonly CompiledClause[];
  readonly serve: CompiledServe;
}

interface CompiledPrerequisite {
  readonly key: string;
  readonly variation: number;
  /** What this flag serves when the prerequisite is not met. */
  readonly failed: Evaluation;
}

/** The targets of every flag that has none (see compileFlag). */
const noTargets: ReadonlyMap<string, Evaluation> = new Map();

/**
 * A flag compiled for evaluation: sets and parsed operands built once, and every result it can
 * serve built once and frozen, so evaluating allocates nothing.
 */
export interface CompiledFlag {
  readonly key: string;
  readonly version: number;
  readonly type: FlagType;
  readonly on: boolean;
  readonly off: Evaluation;
  readonly prerequisites: readonly CompiledPrerequisite[];
  /** Context key → the TARGET_MATCH result (the first target listing a key wins). */
  readonly targets: ReadonlyMap<string, Evaluation>;
  readonly rules: readonly CompiledRule[];
  /** Runs of indexable rules, by the index of their first rule. */
  readonly runs: readonly (RuleRun | undefined)[];
  readonly fallthrough: CompiledServe;
  /** The flag as given. */
  readonly source: Flag;
}

const TYPES: ReadonlySet<string> = new Set<FlagType>(['boolean', 'string', 'number', 'json']);

function ofType(type: string, v: JsonValue): boolean {
  return type === 'json' || typeof v === type;
}

/** Compiles and validates a flag (docs/evaluation.md §2); throws CompileError naming the path. */
export function compileFlag(raw: unknown, operators: OperatorSet): CompiledFlag {
  const f = readObject(raw, '');
  const key = readString(f.key, 'key', true);
  const version = readInteger(f.version, 'version', 0, Number.MAX_SAFE_INTEGER);
  const type = readString(f.type, 'type', true);
  if (!TYPES.has(type)) fail('type', `must be one of boolean, string, number, json; not "${type}"`);
  const on = readBoolean(f.on, 'on');
  const salt = f.salt === undefined ? '' : readString(f.salt, 'salt', false);
  readOptionalBoolean(f.clientSide, 'clientSide');

  const variations = readArray(f.variations, 'variations').map((v, i) => {
    const value = frozenJson(v);
    if (value === undefined) fail(`variations[${i}]`, 'must be a JSON value');
    if (!ofType(type, value)) fail(`variations[${i}]`, `must be a ${type} (the flag's type)`);
    return value;
  });
  if (variations.length === 0) fail('variations', 'must not be empty');
  const index = (v: unknown, path: string) => readInteger(v, path, 0, variations.length - 1);

  const result = (variation: number, reason: Reason): Evaluation =>
    Object.freeze({
      value: variations[variation]!,
      variation,
      reason: Object.freeze(reason),
      flagVersion: version,
    });
  const offVariation = index(f.offVariation, 'offVariation');

  const prerequisites = readOptionalArray(f.prerequisites, 'prerequisites').map((rawP, i) => {
    const path = `prerequisites[${i}]`;
    const p = readObject(rawP, path);
    const pkey = readString(p.key, `${path}.key`, true);
    if (pkey === key) fail(`${path}.key`, 'a flag cannot be its own prerequisite');
    return {
      key: pkey,
      variation: readInteger(p.variation, `${path}.variation`, 0, Number.MAX_SAFE_INTEGER),
      failed: result(offVariation, { kind: 'PREREQUISITE_FAILED', prerequisiteKey: pkey }),
    };
  });

  const rawTargets = readOptionalArray(f.targets, 'targets');
  // Most flags have no individual targets: they share one empty map (an SDK holding 1,000 flags
  // would otherwise keep 1,000 empty hash tables, ≈ 0.3 MiB).
  const targets = rawTargets.length === 0 ? noTargets : new Map<string, Evaluation>();
  rawTargets.forEach((rawT, i) => {
    const path = `targets[${i}]`;
    const t = readObject(rawT, path);
    const hit = result(index(t.variation, `${path}.variation`), { kind: 'TARGET_MATCH' });
    readArray(t.values, `${path}.values`).forEach((v, j) => {
      const k = readString(v, `${path}.values[${j}]`, false);
      if (!targets.has(k)) (targets as Map<string, Evaluation>).set(k, hit);
    });
  });

  const ruleIds = new Set<string>();
  const rules = readOptionalArray(f.rules, 'rules').map((rawR, i) => {
    const path = `rules[${i}]`;
    const r: Json = readObject(rawR, path);
    const id = readString(r.id, `${path}.id`, true);
    if (ruleIds.has(id)) fail(`${path}.id`, `duplicate rule id "${id}"`);
    ruleIds.add(id);
    if (r.description !== undefined) readString(r.description, `${path}.description`, false);
    return {
      clauses: readArray(r.clauses, `${path}.clauses`).map((c, j) =>
        compileClause(c, `${path}.clauses[${j}]`, operators),
      ),
      serve: compileServe(r.serve, `${path}.serve`, key, salt, variations.length, (v, inRollout) =>
        result(v, { kind: 'RULE_MATCH', ruleIndex: i, ruleId: id, inRollout }),
      ),
    };
  });

  const fallthrough = compileServe(
    f.fallthrough,
    'fallthrough',
    key,
    salt,
    variations.length,
    (v, inRollout) => result(v, { kind: 'FALLTHROUGH', inRollout }),
  );

  return {
    key,
    version,
    type: type as FlagType,
    on,
    off: result(offVariation, { kind: 'OFF' }),
    prerequisites,
    targets,
    rules,
    runs: indexRuleRuns(rules),
    fallthrough,
    source: f as unknown as Flag,
  };
}
