import { type CompiledClause, clauseSource, compileClause, internalized } from './clause.js';
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
import { jsonEqual } from './json-equal.js';
import type { Evaluation, Flag, FlagType, JsonValue, Rule } from './model.js';
import type { OperatorSet } from './operators/operator.js';
import { type CompiledServe, compileServe, serveSource, slotsOf } from './rollout.js';
import { indexRuleRuns, type RuleRun } from './rule-index.js';
import { compileTargets, type TargetList, targetCount, targetsSource } from './target-list.js';

interface CompiledRule {
  readonly id: string;
  readonly description: string | undefined;
  /** The first clause, undefined for a rule without any. Most rules have one: no array for them. */
  readonly clause: CompiledClause | undefined;
  /** The clauses after the first (one shared empty array for single-clause rules). */
  readonly more: readonly CompiledClause[];
  readonly serve: CompiledServe;
  /** The run of indexable rules that starts here, if any. */
  readonly run: RuleRun | undefined;
  /** The first of this rule's result slots (see CompiledFlag.results). */
  readonly base: number;
}

interface CompiledPrerequisite {
  readonly key: string;
  readonly variation: number;
}

// `shape` bits: which optional members the flag was given with, so it can be rebuilt as given.
const TARGETS_GIVEN = 1;
const PREREQUISITES_GIVEN = 2;
const RULES_GIVEN = 4;
const CLIENT_SIDE_GIVEN = 8;
const CLIENT_SIDE = 16;

/** Shared by every flag that has none of them. */
const none: readonly never[] = Object.freeze([]);
/** The variations of almost every boolean flag, shared. */
const TRUE_FALSE: readonly JsonValue[] = Object.freeze([true, false]);
const FALSE_TRUE: readonly JsonValue[] = Object.freeze([false, true]);

/**
 * A flag compiled for evaluation, in as few objects as possible: an SDK holds thousands of them.
 * It does not keep the flag it was compiled from: {@link flagSource} rebuilds that (and checks at
 * compile time that it can; the rare flag it could not rebuild exactly is kept as given).
 *
 * Every result a flag can serve has a slot in `results`, built and frozen the first time it is
 * served and shared from then on, so evaluating allocates nothing once warm. Slots: 0 the off
 * variation; then one per fallthrough slice; one per prerequisite (its failure); one per target;
 * then each rule's slices from `rule.base`.
 */
export interface CompiledFlag {
  readonly key: string;
  readonly version: number;
  readonly type: FlagType;
  readonly on: boolean;
  /** Frozen copies of the variations. */
  readonly variations: readonly JsonValue[];
  readonly offVariation: number;
  readonly prerequisites: readonly CompiledPrerequisite[];
  readonly targets: TargetList;
  /** Key → target index, for long target lists only (short ones are packed and scanned). */
  readonly targetIndex: ReadonlyMap<string, number> | undefined;
  readonly rules: readonly CompiledRule[];
  readonly fallthrough: CompiledServe;
  /** Built on first use: see above. */
  results: (Evaluation | undefined)[] | undefined;
  readonly salt: string | undefined;
  /** Which optional members were given (bits above). */
  readonly shape: number;
  /** The flag as given, kept only when {@link flagSource} could not rebuild it exactly. */
  source: Flag | undefined;
}

const TYPES: ReadonlySet<string> = new Set<FlagType>(['boolean', 'string', 'number', 'json']);

function ofType(type: string, v: JsonValue): boolean {
  return type === 'json' || typeof v === type;
}

/** Frozen copies of the variations, shared for the usual boolean pairs. */
function compileVariations(raw: unknown, type: string): readonly JsonValue[] {
  const variations = readArray(raw, 'variations').map((v, i) => {
    const value = frozenJson(v);
    if (value === undefined) fail(`variations[${i}]`, 'must be a JSON value');
    if (!ofType(type, value)) fail(`variations[${i}]`, `must be a ${type} (the flag's type)`);
    return typeof value === 'string' ? internalized(value) : value;
  });
  if (variations.length === 0) fail('variations', 'must not be empty');
  if (variations.length === 2 && typeof variations[0] === 'boolean' && variations[0] !== variations[1])
    return variations[0] ? TRUE_FALSE : FALSE_TRUE;
  return Object.freeze(variations);
}

/** Compiles and validates a flag (docs/evaluation.md §2); throws CompileError naming the path. */
export function compileFlag(raw: unknown, operators: OperatorSet): CompiledFlag {
  const f = readObject(raw, '');
  const key = readString(f.key, 'key', true);
  const version = readInteger(f.version, 'version', 0, Number.MAX_SAFE_INTEGER);
  const type = readString(f.type, 'type', true);
  if (!TYPES.has(type)) fail('type', `must be one of boolean, string, number, json; not "${type}"`);
  const on = readBoolean(f.on, 'on');
  const salt = f.salt === undefined ? undefined : readString(f.salt, 'salt', false);
  const clientSide = readOptionalBoolean(f.clientSide, 'clientSide');

  const variations = compileVariations(f.variations, type);
  const count = variations.length;
  const offVariation = readInteger(f.offVariation, 'offVariation', 0, count - 1);

  const rawPrerequisites = readOptionalArray(f.prerequisites, 'prerequisites');
  const prerequisites: readonly CompiledPrerequisite[] =
    rawPrerequisites.length === 0
      ? none
      : rawPrerequisites.map((rawP, i) => {
          const path = `prerequisites[${i}]`;
          const p = readObject(rawP, path);
          const pkey = readString(p.key, `${path}.key`, true);
          if (pkey === key) fail(`${path}.key`, 'a flag cannot be its own prerequisite');
          return {
            key: pkey,
            variation: readInteger(p.variation, `${path}.variation`, 0, Number.MAX_SAFE_INTEGER),
          };
        });

  const { targets, index: targetIndex } = compileTargets(f.targets, count);

  const ruleIds = new Set<string>();
  const rawRules = readOptionalArray(f.rules, 'rules').map((rawR, i) => {
    const path = `rules[${i}]`;
    const r: Json = readObject(rawR, path);
    const id = readString(r.id, `${path}.id`, true);
    if (ruleIds.has(id)) fail(`${path}.id`, `duplicate rule id "${id}"`);
    ruleIds.add(id);
    return {
      id: internalized(id),
      description:
        r.description === undefined ? undefined : readString(r.description, `${path}.description`, false),
      clauses: readArray(r.clauses, `${path}.clauses`).map((c, j) =>
        compileClause(c, `${path}.clauses[${j}]`, operators),
      ),
      serve: compileServe(r.serve, `${path}.serve`, key, salt ?? '', count),
    };
  });
  const fallthrough = compileServe(f.fallthrough, 'fallthrough', key, salt ?? '', count);

  // Result slots: off, the fallthrough's slices, prerequisites, targets, then the rules'.
  let base = 1 + slotsOf(fallthrough) + prerequisites.length + targetCount(targets);
  const runs = indexRuleRuns(rawRules.map((r) => r.clauses));
  const rules: readonly CompiledRule[] =
    rawRules.length === 0
      ? none
      : rawRules.map((r, i) => {
          const [clause, ...more] = r.clauses;
          const rule: CompiledRule = {
            id: r.id,
            description: r.description,
            clause,
            more: more.length === 0 ? none : more,
            serve: r.serve,
            run: runs[i],
            base,
          };
          base += slotsOf(r.serve);
          return rule;
        });

  const compiled: CompiledFlag = {
    key,
    version,
    type: type as FlagType,
    on,
    variations,
    offVariation,
    prerequisites,
    targets,
    targetIndex,
    rules,
    fallthrough,
    results: undefined,
    salt: salt === key ? key : salt, // a salt equal to the key (a common choice) shares its string
    shape:
      (f.targets === undefined ? 0 : TARGETS_GIVEN) |
      (f.prerequisites === undefined ? 0 : PREREQUISITES_GIVEN) |
      (f.rules === undefined ? 0 : RULES_GIVEN) |
      (f.clientSide === undefined ? 0 : CLIENT_SIDE_GIVEN) |
      (clientSide ? CLIENT_SIDE : 0),
    source: undefined,
  };
  // Members this encoding does not hold (unknown ones, duplicate target keys…) keep the input.
  if (!jsonEqual(flagSource(compiled), f)) compiled.source = f as unknown as Flag;
  return compiled;
}

/** The flag as it was given: rebuilt from the compiled form (a new object on every call). */
export function flagSource(flag: CompiledFlag): Flag {
  if (flag.source !== undefined) return flag.source;
  const { shape } = flag;
  return {
    key: flag.key,
    version: flag.version,
    type: flag.type,
    on: flag.on,
    variations: [...flag.variations],
    offVariation: flag.offVariation,
    ...((shape & TARGETS_GIVEN) !== 0 && { targets: targetsSource(flag.targets, flag.targetIndex) }),
    ...((shape & PREREQUISITES_GIVEN) !== 0 && {
      prerequisites: flag.prerequisites.map((p) => ({ key: p.key, variation: p.variation })),
    }),
    ...((shape & RULES_GIVEN) !== 0 && { rules: flag.rules.map(ruleSource) }),
    fallthrough: serveSource(flag.fallthrough),
    ...(flag.salt !== undefined && { salt: flag.salt }),
    ...((shape & CLIENT_SIDE_GIVEN) !== 0 && { clientSide: (shape & CLIENT_SIDE) !== 0 }),
  };
}

function ruleSource(r: CompiledRule): Rule {
  return {
    id: r.id,
    ...(r.description !== undefined && { description: r.description }),
    clauses: r.clause === undefined ? [] : [r.clause, ...r.more].map(clauseSource),
    serve: serveSource(r.serve),
  };
}
