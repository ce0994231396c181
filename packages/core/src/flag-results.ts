import type { CompiledFlag } from './flag.js';
import type { Evaluation, Reason } from './model.js';
import { type CompiledServe, slotsOf, variationOf } from './rollout.js';
import { targetCount, targetVariation } from './target-list.js';

/**
 * The results a compiled flag serves, built the first time each is served and shared after that
 * (frozen), so a warm evaluation allocates nothing and a flag never evaluated holds no results.
 * Reasons that carry no flag data are shared by every flag.
 */

const OFF: Reason = Object.freeze({ kind: 'OFF' });
const TARGET_MATCH: Reason = Object.freeze({ kind: 'TARGET_MATCH' });
const FALLTHROUGH: Reason = Object.freeze({ kind: 'FALLTHROUGH', inRollout: false });
const FALLTHROUGH_SPLIT: Reason = Object.freeze({ kind: 'FALLTHROUGH', inRollout: true });

const inRollout = (s: CompiledServe) => typeof s !== 'number' && s.inRollout;

// Hot path: the result in `slot` (see CompiledFlag); written for speed.
/** The result of `flag` in result slot `slot`. */
export function resultAt(flag: CompiledFlag, slot: number): Evaluation {
  const results = flag.results;
  if (results !== undefined) {
    const r = results[slot];
    if (r !== undefined) return r;
  }
  return buildResult(flag, slot);
}

/** The first result slot of the prerequisites' failures. */
export function prerequisiteSlot(flag: CompiledFlag): number {
  return 1 + slotsOf(flag.fallthrough);
}

/** The first result slot of the targets. */
export function targetSlot(flag: CompiledFlag): number {
  return 1 + slotsOf(flag.fallthrough) + flag.prerequisites.length;
}

function buildResult(flag: CompiledFlag, slot: number): Evaluation {
  const { rules, fallthrough } = flag;
  const prerequisites = prerequisiteSlot(flag);
  const targets = targetSlot(flag);
  const ruleSlots = targets + targetCount(flag.targets);
  let variation = flag.offVariation;
  let reason = OFF;
  if (slot >= ruleSlots) {
    let i = rules.length - 1;
    while (rules[i]!.base > slot) i--;
    const rule = rules[i]!;
    variation = variationOf(rule.serve, slot - rule.base);
    // The slices of one rule share its reason.
    let shared: Reason | undefined;
    for (let s = 0; s < slotsOf(rule.serve) && shared === undefined; s++)
      shared = flag.results?.[rule.base + s]?.reason;
    reason =
      shared ??
      Object.freeze({ kind: 'RULE_MATCH', ruleIndex: i, ruleId: rule.id, inRollout: inRollout(rule.serve) });
  } else if (slot >= targets) {
    variation = targetVariation(flag.targets, slot - targets);
    reason = TARGET_MATCH;
  } else if (slot >= prerequisites) {
    reason = Object.freeze({
      kind: 'PREREQUISITE_FAILED',
      prerequisiteKey: flag.prerequisites[slot - prerequisites]!.key,
    });
  } else if (slot > 0) {
    variation = variationOf(fallthrough, slot - 1);
    reason = inRollout(fallthrough) ? FALLTHROUGH_SPLIT : FALLTHROUGH;
  }
  const result: Evaluation = Object.freeze({
    value: flag.variations[variation]!,
    variation,
    reason,
    flagVersion: flag.version,
  });
  let results = flag.results;
  if (results === undefined) {
    const last = rules[rules.length - 1];
    results = new Array(last === undefined ? ruleSlots : last.base + slotsOf(last.serve));
    flag.results = results;
  }
  results[slot] = result;
  return result;
}
