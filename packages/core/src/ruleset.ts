import { CompileError } from './compile-error.js';
import { createEvaluator, type MalformedFlag } from './evaluator.js';
import { type CompiledFlag, compileFlag, flagSource } from './flag.js';
import type { Evaluation, Flag, FlagType, JsonValue, Segment } from './model.js';
import type { OperatorSet } from './operators/operator.js';
import { type CompiledSegment, compileSegment, segmentSource } from './segment.js';

/** A flag or segment that failed to compile. */
export interface CompileProblem {
  kind: 'flag' | 'segment';
  /** The key, when the input had a usable one. */
  key: string | undefined;
  /** JSON path of the offending member within the flag or segment. */
  path: string;
  message: string;
}

/** The flags and segments of one environment, compiled and ready to evaluate. */
export interface Ruleset {
  /**
   * Evaluates a flag for a context. Never throws. On ERROR the result's value is `defaultValue`
   * (default `null`). With `type`, a flag declared with another type is a WRONG_TYPE error.
   * Successful results are shared and frozen.
   */
  evaluate(flagKey: string, context: unknown, defaultValue?: JsonValue, type?: FlagType): Evaluation;
  /** Adds or replaces a flag; returns the problem when it does not compile (it then evaluates to MALFORMED_FLAG). */
  setFlag(flag: unknown): CompileProblem | undefined;
  deleteFlag(key: string): void;
  /** Adds or replaces a segment; returns the problem when it does not compile (it then contains no one). */
  setSegment(segment: unknown): CompileProblem | undefined;
  deleteSegment(key: string): void;
  /**
   * The flag as given, when it compiled: an equal object (rebuilt from the compiled form, which does
   * not keep its input), not necessarily the same one.
   */
  getFlag(key: string): Flag | undefined;
  /** The segment as given, when it compiled: an equal object, not necessarily the same one. */
  getSegment(key: string): Segment | undefined;
  /** Keys of every flag, including malformed ones. */
  flagKeys(): string[];
  /** Keys of every segment, including malformed ones. */
  segmentKeys(): string[];
  /** Every flag or segment that failed to compile. */
  problems(): CompileProblem[];
}

/** What a {@link Ruleset} starts with. */
export interface RulesetInit {
  flags?: readonly unknown[];
  segments?: readonly unknown[];
  /**
   * Maps a context's `key` to the form in which individual targets and segment
   * `included`/`excluded` lists hold keys; absent, they hold the keys themselves. For a client
   * payload with hashed key lists (docs/evaluation.md §9), pass
   * `(key) => hashContextKey(salt, key)`. Only those lists are affected: rules and bucketing see
   * the context's own key. The evaluator remembers the last key it mapped, so an SDK evaluating
   * every flag for one user calls this once per user. It must be pure.
   */
  lookupKey?: (contextKey: string) => string;
}

/** A map entry for a flag or segment that did not compile. */
interface MalformedEntry extends MalformedFlag {
  readonly problem: CompileProblem;
}

function problemOf(kind: 'flag' | 'segment', input: unknown, e: unknown): CompileProblem {
  const raw = (input as { key?: unknown } | null)?.key;
  const key = typeof raw === 'string' && raw !== '' ? raw : undefined;
  if (e instanceof CompileError) return { kind, key, path: e.path, message: e.message };
  return { kind, key, path: '', message: String(e) };
}

/**
 * Compiles flags and segments into a {@link Ruleset} that knows only `operators`: the form for
 * size-sensitive (browser) builds, which bundle just the operator packs they pass. Flags using
 * another operator evaluate to MALFORMED_FLAG. Malformed entries do not stop the others: they
 * are reported by `problems()`.
 *
 * @example
 * import { basicOperators, createRulesetWith, semverOperators } from '@ensign/core';
 * const rules = createRulesetWith({ ...basicOperators, ...semverOperators }, { flags, segments });
 * // A client payload whose target and segment lists hold hashed keys, with its environment's salt:
 * const client = createRulesetWith(basicOperators, {
 *   flags, segments, lookupKey: (key) => hashContextKey(salt, key),
 * });
 */
export function createRulesetWith(operators: OperatorSet, init: RulesetInit = {}): Ruleset {
  const flags = new Map<string, CompiledFlag | MalformedEntry>();
  const segments = new Map<string, CompiledSegment | MalformedEntry>();
  const unkeyed: CompileProblem[] = [];
  const evaluate = createEvaluator({ flags, segments }, init.lookupKey);

  function set<T extends { key: string }>(
    kind: 'flag' | 'segment',
    map: Map<string, T | MalformedEntry>,
    compile: (raw: unknown, operators: OperatorSet) => T,
    input: unknown,
  ): CompileProblem | undefined {
    try {
      const compiled = compile(input, operators);
      map.set(compiled.key, compiled);
      return undefined;
    } catch (e) {
      const problem = problemOf(kind, input, e);
      if (problem.key === undefined) unkeyed.push(problem);
      else map.set(problem.key, { key: problem.key, malformed: problem.message, problem });
      return problem;
    }
  }

  const ruleset: Ruleset = {
    evaluate: (flagKey, context, defaultValue = null, type) => evaluate(flagKey, context, defaultValue, type),
    setFlag: (flag) => set('flag', flags, compileFlag, flag),
    deleteFlag: (key) => void flags.delete(key),
    setSegment: (segment) => set('segment', segments, compileSegment, segment),
    deleteSegment: (key) => void segments.delete(key),
    getFlag: (key) => {
      const f = flags.get(key);
      return f === undefined || 'malformed' in f ? undefined : flagSource(f);
    },
    getSegment: (key) => {
      const s = segments.get(key);
      return s === undefined || 'malformed' in s ? undefined : segmentSource(s);
    },
    flagKeys: () => [...flags.keys()],
    segmentKeys: () => [...segments.keys()],
    problems: () => {
      const out = [...unkeyed];
      for (const v of flags.values()) if ('problem' in v) out.push(v.problem);
      for (const v of segments.values()) if ('problem' in v) out.push(v.problem);
      return out;
    },
  };
  for (const s of init.segments ?? []) ruleset.setSegment(s);
  for (const f of init.flags ?? []) ruleset.setFlag(f);
  return ruleset;
}
