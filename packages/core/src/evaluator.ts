import { resolveAttribute } from './attribute.js';
import { matchClause, type SegmentScope } from './clause.js';
import type { CompiledFlag } from './flag.js';
import { prerequisiteSlot, resultAt, targetSlot } from './flag-results.js';
import type { ErrorKind, Evaluation, FlagType, JsonValue } from './model.js';
import { type CompiledServe, sliceOf } from './rollout.js';
import { type CompiledSegment, segmentContains } from './segment.js';
import { findTarget } from './target-list.js';

/** Prerequisite chains and nested segments deeper than this are treated as cycles (§3). */
export const MAX_DEPTH = 64;

/** A flag that failed to compile: evaluations of it report MALFORMED_FLAG. */
export interface MalformedFlag {
  readonly key: string;
  readonly malformed: string;
}

/** What an evaluator looks flags and segments up in. */
export interface Registry {
  readonly flags: ReadonlyMap<string, CompiledFlag | MalformedFlag>;
  readonly segments: ReadonlyMap<string, CompiledSegment | MalformedFlag>;
}

// Internal outcomes that the public entry turns into ERROR results with the caller's default.
function sentinel(errorKind: ErrorKind): Evaluation {
  return Object.freeze({
    value: null,
    variation: undefined,
    reason: Object.freeze({ kind: 'ERROR', errorKind }),
    flagVersion: undefined,
  });
}
const MALFORMED = sentinel('MALFORMED_FLAG');
const NO_BUCKET = sentinel('TARGETING_KEY_MISSING');

function isCompiled<T extends object>(x: T | MalformedFlag | undefined): x is T {
  return x !== undefined && !('malformed' in x);
}

/**
 * Evaluates flags of one registry. It keeps the stack of flags and segments being evaluated to
 * detect cycles without recursion limits of the host, and reuses it across calls, so an
 * evaluation allocates nothing unless it errors. With `lookupKey`, individual targets and segment
 * key lists are looked up by `lookupKey(contextKey)` (hashed key lists, §9).
 */
export function createEvaluator(registry: Registry, lookupKey?: (contextKey: string) => string) {
  const stack: object[] = [];
  let depth = 0;
  let cycle = false;
  /** The context's key as target and segment lists hold it (hashed for a client payload, §9). */
  let contextKey: string | undefined;
  // One-entry memo of lookupKey: an SDK evaluates every flag for the same user, so the key is
  // mapped (hashed) once per user, and reusing it allocates nothing.
  let memoKey: string | undefined;

  function enter(node: object): boolean {
    if (depth >= MAX_DEPTH) {
      cycle = true;
      return false;
    }
    for (let i = 0; i < depth; i++) {
      if (stack[i] === node) {
        cycle = true;
        return false;
      }
    }
    stack[depth++] = node;
    return true;
  }

  const scope: SegmentScope = {
    inAnySegment(keys, context) {
      for (let i = 0; i < keys.length; i++) {
        const seg = registry.segments.get(keys[i]!);
        if (!isCompiled(seg)) continue;
        if (!enter(seg)) return false;
        const hit = segmentContains(seg, context, contextKey, scope);
        depth--;
        if (hit) return true;
      }
      return false;
    },
  };

  // Hot path: steps 3–7 of §3; written for speed.
  function evaluateFlag(flag: CompiledFlag, context: object): Evaluation {
    if (!flag.on) return resultAt(flag, 0);
    if (!enter(flag)) return MALFORMED;
    const result = evaluateOn(flag, context);
    depth--;
    return result;
  }

  function ruleMatches(rule: CompiledFlag['rules'][number], context: object): boolean {
    const first = rule.clause;
    if (first !== undefined && !matchClause(first, context, scope)) return false;
    const more = rule.more;
    for (let j = 0; j < more.length; j++) if (!matchClause(more[j]!, context, scope)) return false;
    return true;
  }

  /** The result `serve` gives `context` from result slot `slot` on, or undefined without a bucketing value. */
  function serve(
    flag: CompiledFlag,
    s: CompiledServe,
    slot: number,
    context: object,
  ): Evaluation | undefined {
    const slice = sliceOf(s, context);
    return slice < 0 ? undefined : resultAt(flag, slot + slice);
  }

  function evaluateOn(flag: CompiledFlag, context: object): Evaluation {
    const prereqs = flag.prerequisites;
    for (let i = 0; i < prereqs.length; i++) {
      const p = prereqs[i]!;
      const pf = registry.flags.get(p.key);
      if (!isCompiled(pf)) return resultAt(flag, prerequisiteSlot(flag) + i);
      const r = evaluateFlag(pf, context);
      if (cycle) return MALFORMED;
      const kind = r.reason.kind;
      if (
        r.variation !== p.variation ||
        (kind !== 'FALLTHROUGH' && kind !== 'RULE_MATCH' && kind !== 'TARGET_MATCH')
      ) {
        return resultAt(flag, prerequisiteSlot(flag) + i);
      }
    }
    if (contextKey !== undefined && flag.targets.length > 0) {
      const index = flag.targetIndex;
      const t = index === undefined ? findTarget(flag.targets, contextKey) : (index.get(contextKey) ?? -1);
      if (t >= 0) return resultAt(flag, targetSlot(flag) + t);
    }
    const rules = flag.rules;
    let i = 0;
    while (i < rules.length) {
      const rule = rules[i]!;
      const run = rule.run;
      if (run !== undefined) {
        const v = (context as Record<string, unknown>)[run.attribute];
        if (typeof v === 'string') {
          const hit = run.first.get(v);
          if (hit === undefined) {
            i = run.end;
            continue;
          }
          const r = serve(flag, rules[hit]!.serve, rules[hit]!.base, context);
          if (r !== undefined) return r;
          i = hit + 1; // no usable bucketing value: go on rule by rule
          continue;
        }
        // Missing or of another type: no rule of the run matches. Arrays go rule by rule.
        if (!Array.isArray(v)) {
          i = run.end;
          continue;
        }
      }
      if (ruleMatches(rule, context)) {
        if (cycle) return MALFORMED;
        const r = serve(flag, rule.serve, rule.base, context);
        if (r !== undefined) return r;
      }
      i++;
    }
    if (cycle) return MALFORMED;
    return serve(flag, flag.fallthrough, 1, context) ?? NO_BUCKET;
  }

  function error(
    errorKind: ErrorKind,
    defaultValue: JsonValue,
    flagVersion?: number,
    message?: string,
  ): Evaluation {
    const reason =
      message === undefined
        ? { kind: 'ERROR' as const, errorKind }
        : { kind: 'ERROR' as const, errorKind, message };
    return { value: defaultValue, variation: undefined, reason, flagVersion };
  }

  /**
   * Evaluates `flagKey` for `context` (docs/evaluation.md §3). Never throws. On ERROR the result
   * carries `defaultValue`. With `type`, a flag of another declared type is WRONG_TYPE.
   */
  return function evaluate(
    flagKey: string,
    context: unknown,
    defaultValue: JsonValue,
    type?: FlagType,
  ): Evaluation {
    if (typeof context !== 'object' || context === null || Array.isArray(context)) {
      return error('INVALID_CONTEXT', defaultValue, undefined, 'the context must be an object');
    }
    let key: unknown;
    try {
      key = resolveAttribute(context, 'key');
    } catch (e) {
      return error('EXCEPTION', defaultValue, undefined, String(e));
    }
    if (key !== undefined && typeof key !== 'string') {
      return error('INVALID_CONTEXT', defaultValue, undefined, 'the context key must be a string');
    }
    const entry = registry.flags.get(flagKey);
    if (entry === undefined) return error('FLAG_NOT_FOUND', defaultValue, undefined, `no flag "${flagKey}"`);
    if (!isCompiled(entry)) return error('MALFORMED_FLAG', defaultValue, undefined, entry.malformed);
    if (type !== undefined && entry.type !== type) {
      return error(
        'WRONG_TYPE',
        defaultValue,
        entry.version,
        `flag "${flagKey}" is ${entry.type}, not ${type}`,
      );
    }
    depth = 0;
    cycle = false;
    let result: Evaluation;
    try {
      if (key !== memoKey) {
        contextKey = key === undefined || lookupKey === undefined ? key : lookupKey(key);
        memoKey = key;
      }
      result = evaluateFlag(entry, context);
    } catch (e) {
      // Only a hostile context (a throwing getter or proxy) gets here.
      return error('EXCEPTION', defaultValue, entry.version, String(e));
    }
    if (cycle)
      return error(
        'MALFORMED_FLAG',
        defaultValue,
        entry.version,
        'prerequisite or segment cycle (or deeper than 64)',
      );
    if (result === NO_BUCKET) {
      return error(
        'TARGETING_KEY_MISSING',
        defaultValue,
        entry.version,
        'the rollout attribute is missing or not a string or integer',
      );
    }
    return result;
  };
}
