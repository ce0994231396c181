import type { Clause, ErrorKind, Evaluation, Flag, FlagType, JsonValue, Reason, Segment } from '../model.js';
import type { OperatorFactory, OperatorSet, Predicate } from '../operators/operator.js';
import { attribute } from './client-attribute.js';
import { bucketOf } from './client-bucket.js';
import { hashContextKey } from './client-key-hash.js';
import { builtIn, compare, fold, ofType } from './client-operators.js';

/** Flags and segments of a client payload (docs/protocol.md), evaluated by interpretation. */
export interface ClientRules {
  /**
   * Same contract as Ruleset.evaluate (src/ruleset.ts): never throws; on ERROR `value` is
   * `defaultValue` (default null) and `variation` undefined; with `type`, a flag of another type is
   * WRONG_TYPE. Results are fresh objects, but `value` is the payload's own variation: do not
   * modify it.
   */
  evaluate(flagKey: string, context: unknown, defaultValue?: JsonValue, type?: FlagType): Evaluation;
  /** Keys of every flag held (malformed ones included). */
  flagKeys(): string[];
}

/**
 * The structural checks of docs/evaluation.md §2 for {@link createClientRules} (`clientChecks` from
 * client-check.ts): what is wrong with a flag (`segment` false) or a segment, '' when nothing.
 * `operators` is `init.operators`, whose factories validate the values of clauses using them.
 */
export type ClientChecks = (entity: object, segment: boolean, operators: OperatorSet | undefined) => string;

/** What {@link createClientRules} evaluates: a client payload's flags and segments. */
export interface ClientRulesInit {
  flags: readonly unknown[];
  segments?: readonly unknown[];
  /** Present for client payloads whose target/segment key lists are hashed (evaluation.md §9). */
  keyHashing?: { salt: string };
  /** Operators beyond the built-in ones, e.g. `semverOperators` from '@ensign/core' (opt-in, so
   *  bundles that do not pass them do not contain them). */
  operators?: OperatorSet;
  /**
   * `clientChecks` (from '@ensign/core/client') to check every flag and segment against §2 before
   * evaluating it, exactly as the compiled evaluator does. Without it (the default) the payload's
   * structure is trusted, as the Ensign server validated it: valid flags give the same results, and a
   * malformed one still never throws nor serves anything but one of its variations (docs §10).
   */
  checks?: ClientChecks;
}

/** Thrown for a malformed flag or segment found while evaluating (a cycle, an index out of range, an
 *  operator missing): MALFORMED_FLAG with the message in `why`. Anything else thrown is EXCEPTION. */
const MALFORMED = {};
let why: string;
const malformed = (message: string): never => {
  why = message;
  throw MALFORMED;
};

/** `key.salt.`: the bucketing prefix of a flag rollout without seed, or of a segment rule (§6). */
const prefix = (e: Flag | Segment): string => `${e.key}.${e.salt ?? ''}.`;

/** The entries of a list by their `key` (the last one wins); entries without a usable key are dropped. */
const byKey = <T>(list: unknown) =>
  new Map<string, T>(
    Array.isArray(list)
      ? list.map((e): [string, T] => [e?.key, e]).filter(([k]) => typeof k === 'string' && k)
      : [],
  );

/**
 * The flags and segments of a client payload, evaluated by interpreting the payload itself
 * (docs/evaluation.md §10): the browser's counterpart of `createRulesetWith`, with the same results
 * in far fewer bytes. Built-in operators: `in`, `contains`, `startsWith`, `endsWith`, `lt`, `lte`,
 * `gt`, `gte`, `exists`, `segmentMatch`; others come from `init.operators`, and a flag reaching one
 * that was not supplied evaluates to ERROR/MALFORMED_FLAG with a message naming it. The structure of
 * flags and segments is trusted unless `init.checks` is given. Building is cheap (two maps). Never
 * throws.
 *
 * @example
 * import { clientChecks, createClientRules } from '@ensign/core/client';
 * import { semverOperators } from '@ensign/core';
 * const rules = createClientRules({ flags, segments, keyHashing: { salt }, operators: semverOperators });
 * rules.evaluate('new-checkout', { key: 'user-42', country: 'DE' }, false, 'boolean');
 * // Untrusted sources: every flag and segment checked against §2 first.
 * createClientRules({ flags, segments, checks: clientChecks });
 */
export function createClientRules({
  flags: flagList,
  segments: segmentList,
  keyHashing,
  operators,
  checks,
}: ClientRulesInit): ClientRules {
  const flags = byKey<Flag>(flagList);
  const segments = byKey<Segment>(segmentList);
  /** The predicate of each clause whose operator comes from `operators`, built when first reached. */
  const predicates = new Map<Clause, Predicate>();
  /** How many flags and segments are being evaluated. */
  let depth: number;
  /** The last context key, and its form in target and segment lists (hashed with keyHashing, §9). */
  let lastKey: string | undefined;
  let listKey: string | undefined;

  // A cycle needs no test of its own: evaluating a flag or segment again with the same context takes
  // the same path back to it, so a cycle that is reached always ends beyond the depth limit (§3).
  const enter = <T>(body: () => T): T => {
    if (++depth > 64) malformed('cycle');
    const r = body();
    depth--;
    return r;
  };

  /** The predicate of a clause whose operator comes from `operators`, built when first reached. */
  const supplied = (c: Clause): Predicate => {
    // Without checks `op` is one of §5's names (with them, clientChecks tests that it is an own member).
    const factory = operators?.[c.op as keyof OperatorSet];
    // Names the operator, so that an SDK can say which operator pack to import.
    if (!factory) malformed(`no operator ${c.op}`);
    // Invalid values throw (EXCEPTION): the server validated them with the same operators.
    return (
      predicates.get(c) ??
      predicates.set(c, (factory as OperatorFactory)(c.values, 'values', !!c.caseInsensitive)).get(c)!
    );
  };

  // §4. Missing or null: false. Arrays (one level): any element; `exists`: any array, even empty.
  const matches = (c: Clause, context: object): boolean => {
    const { op, values, caseInsensitive: ci } = c;
    const type = builtIn(op);
    // `segmentMatch` ignores its attribute (which a hostile context could make throw).
    const v = op !== 'segmentMatch' && attribute(context, c.attribute);
    return (
      (op === 'segmentMatch'
        ? values.some((key) => inSegment(key as string, context))
        : v != null &&
          (op === 'exists' ||
            [v]
              .flat()
              .some(
                (x) =>
                  x != null &&
                  (type === undefined
                    ? supplied(c)(x)
                    : ofType(type, x) &&
                      values.some((y) => compare(op, type, fold(x, ci) as never, fold(y, ci) as never))),
              ))) !== !!c.negate
    );
  };

  // §7; an unknown or malformed segment contains no one. The lists hold strings only: a context
  // without a key (listKey undefined) is in neither.
  const inSegment = (key: string, context: object) => {
    const s = segments.get(key);
    return (
      s &&
      !checks?.(s, true, operators) &&
      enter(
        () =>
          s.included?.includes(listKey!) ||
          (!s.excluded?.includes(listKey!) &&
            (s.rules ?? []).some(
              (r) =>
                (r.clauses ?? []).every((c) => matches(c, context)) &&
                (r.weight == null || bucketOf(context, r.bucketBy, prefix(s)) < r.weight),
            )),
      )
    );
  };

  // Only ever one of the flag's variations: a bad index (possible only without checks) is malformed.
  const result = (f: Flag, variation: number, reason: Reason): Evaluation =>
    Array.isArray(f.variations) && variation === (variation | 0) && variation in f.variations
      ? { value: f.variations[variation]!, variation, reason, flagVersion: f.version }
      : malformed('variation');

  /** §3 steps 3–7 for a flag; undefined for TARGETING_KEY_MISSING. */
  const evaluateFlag = (f: Flag, context: object): Evaluation | undefined =>
    f.on
      ? enter(() => {
          for (const p of f.prerequisites ?? []) {
            const pf = flags.get(p.key);
            const r = (pf && !checks?.(pf, false, operators) && evaluateFlag(pf, context)) as
              | Evaluation
              | undefined;
            // Met only by TARGET_MATCH, RULE_MATCH or FALLTHROUGH with the required variation.
            if (r?.variation !== p.variation || /^[OP]/.test(r.reason.kind)) {
              return result(f, f.offVariation, { kind: 'PREREQUISITE_FAILED', prerequisiteKey: p.key });
            }
          }
          for (const t of f.targets ?? []) {
            if (t.values.includes(listKey!)) return result(f, t.variation, { kind: 'TARGET_MATCH' });
          }
          // The rules, then the fallthrough as a last rule that always matches. A rollout without a
          // usable bucketing value (§6) serves nothing: the rule does not match; after the
          // fallthrough, the result is undefined.
          const rules = f.rules ?? [];
          for (let i = 0; i <= rules.length; i++) {
            const rule = rules[i];
            const { clauses, serve } = rule ?? { clauses: [], serve: f.fallthrough };
            if (!clauses.every((c) => matches(c, context))) continue;
            const r = serve.rollout;
            let variation = serve.variation!;
            let inRollout = false;
            if (r) {
              let b = bucketOf(context, r.bucketBy, r.seed == null ? prefix(f) : `${r.seed}.`);
              const slice = r.variations.find((w) => {
                b -= w.weight;
                return b < 0;
              });
              if (!slice) continue;
              variation = slice.variation;
              // A split only when the hash chooses between two different variations (§3): the slice
              // found has a weight, so another variation with a weight makes one.
              inRollout = r.variations.some((w) => w.weight && w.variation !== variation);
            }
            return result(
              f,
              variation,
              rule
                ? { kind: 'RULE_MATCH', ruleIndex: i, ruleId: rule.id, inRollout }
                : { kind: 'FALLTHROUGH', inRollout },
            );
          }
        })
      : result(f, f.offVariation, { kind: 'OFF' });

  return {
    evaluate(flagKey, context, defaultValue = null, type) {
      let f: Flag | undefined;
      const error = (errorKind: ErrorKind, message?: string): Evaluation => ({
        value: defaultValue,
        variation: undefined,
        reason: { kind: 'ERROR', errorKind, message } as Reason,
        flagVersion: f?.version,
      });
      try {
        // Not an object, or a key that is not a string (0 stands for "not an object").
        const key =
          typeof context === 'object' && context && !Array.isArray(context)
            ? (context as { key?: unknown }).key
            : 0;
        if (key !== undefined && typeof key !== 'string') return error('INVALID_CONTEXT');
        const found = flags.get(flagKey);
        if (!found) return error('FLAG_NOT_FOUND', flagKey);
        const p = checks?.(found, false, operators);
        if (p) return error('MALFORMED_FLAG', p);
        f = found;
        if (type && f.type !== type) return error('WRONG_TYPE', f.type);
        // An SDK evaluates every flag for the same user: hash the key once per user.
        if (key !== lastKey) {
          lastKey = key;
          listKey = key != null && keyHashing ? hashContextKey(keyHashing.salt, key) : key;
        }
        depth = 0;
        return evaluateFlag(f, context as object) ?? error('TARGETING_KEY_MISSING');
      } catch (e) {
        // A cycle or a malformed flag, or a hostile context (a throwing getter or proxy).
        return e === MALFORMED ? error('MALFORMED_FLAG', why) : error('EXCEPTION', String(e));
      }
    },
    flagKeys: () => [...flags.keys()],
  };
}
