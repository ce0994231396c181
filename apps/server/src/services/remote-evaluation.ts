/**
 * Remote evaluation: an environment's flags evaluated on the server for one context, limited to what
 * the SDK key's audience may see. Behind `POST /sdk/v1/evaluate` and OFREP (`/ofrep/v1`); no HTTP
 * here. Evaluation uses the feed's ruleset (the server view, with clear-text target keys), so results
 * are the ones a server SDK evaluating locally gets.
 */
import { createHash } from 'node:crypto';
import type { Context, Evaluation, Reason } from '@ensign/core';
import type { EnvironmentFeed } from '../delivery/environment-feed.js';
import type { Audience } from '../delivery/environment-view.js';

/**
 * A reason as an audience may see it: for a client key, `prerequisiteKey` is left out when it names
 * a flag that is not client-side (the keys of such flags never reach client keys).
 */
export type RemoteReason =
  | Exclude<Reason, { kind: 'PREREQUISITE_FAILED' }>
  | { kind: 'PREREQUISITE_FAILED'; prerequisiteKey?: string };

/** One flag's result: the core's `Evaluation` with its key, and the reason as the audience may see it. */
export interface RemoteEvaluation extends Omit<Evaluation, 'reason'> {
  key: string;
  reason: RemoteReason;
}

/** The keys of the flags `audience` may evaluate (client keys: client-side flags only), in key order. */
export function visibleFlagKeys(feed: EnvironmentFeed, audience: Audience): string[] {
  return [...feed.view(audience).flags.keys()].sort();
}

/**
 * Evaluates one flag. A flag the audience may not see answers exactly like a missing one
 * (`FLAG_NOT_FOUND`), so a client key cannot tell a server-only flag from no flag. Never throws.
 */
export function evaluateFlag(
  feed: EnvironmentFeed,
  audience: Audience,
  key: string,
  context: Context,
): RemoteEvaluation {
  if (feed.view(audience).flags.has(key))
    return remote(feed, audience, key, feed.ruleset.evaluate(key, context));
  // The core checks the context before looking the flag up; evaluating "" (never a flag key,
  // docs/evaluation.md §2) keeps that order, so a hidden flag gives what a missing one gives.
  const result = feed.ruleset.evaluate('', context);
  const reason: RemoteReason =
    result.reason.kind === 'ERROR' && result.reason.errorKind === 'FLAG_NOT_FOUND'
      ? { kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND', message: `no flag "${key}"` }
      : result.reason;
  return { ...result, key, reason };
}

/**
 * Evaluates every flag the audience may see, in key order. Call it in the same synchronous block
 * as reading `feed.revision` (e.g. for {@link evaluationTag}), so both describe one revision.
 */
export function evaluateAll(feed: EnvironmentFeed, audience: Audience, context: Context): RemoteEvaluation[] {
  // Hot path (a bulk request per page view for browser SDKs): one pass, no per-flag lookups beyond the ruleset's.
  const keys = visibleFlagKeys(feed, audience);
  const out: RemoteEvaluation[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    out[i] = remote(feed, audience, key, feed.ruleset.evaluate(key, context));
  }
  return out;
}

function remote(
  feed: EnvironmentFeed,
  audience: Audience,
  key: string,
  result: Evaluation,
): RemoteEvaluation {
  const reason = result.reason;
  if (
    audience === 'client' &&
    reason.kind === 'PREREQUISITE_FAILED' &&
    !feed.view('client').flags.has(reason.prerequisiteKey)
  ) {
    return { ...result, key, reason: { kind: 'PREREQUISITE_FAILED' } };
  }
  return { ...result, key, reason };
}

/**
 * An entity tag for the results of evaluating `context` at the feed's current revision:
 * `"<revision>-<hash>"`, the hash covering the environment, the audience, `format` (which response
 * shape the tag is for) and the context (canonical JSON: member order does not matter). Evaluation
 * depends on nothing else, so an equal tag means an equal response, and every new revision changes it.
 *
 * @example evaluationTag(feed, 'client', { key: 'u1' }, 'ofrep') // → '"42-Qm9vX3NhbXBsZV9oYXNoAA"'
 */
export function evaluationTag(
  feed: EnvironmentFeed,
  audience: Audience,
  context: Context,
  format: string,
): string {
  const hash = createHash('sha256')
    .update(`${format}\n${feed.environment.id}\n${audience}\n`)
    .update(canonicalJson(context))
    .digest('base64url')
    .slice(0, 22);
  return `"${feed.revision}-${hash}"`;
}

/**
 * JSON with object members sorted by name, so equal values give equal text. Iterative, not
 * recursive: a context may nest as deep as the body limit allows, and must not overflow the stack.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // Values still to write, and text to write between them; pushed in reverse, popped in order.
  const stack: Array<{ value: unknown } | string> = [{ value }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const v = item.value;
    if (Array.isArray(v)) {
      out.push('[');
      stack.push(']');
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i] ?? null });
        if (i > 0) stack.push(',');
      }
    } else if (typeof v === 'object' && v !== null) {
      const members = v as Record<string, unknown>;
      const names = Object.keys(members)
        .filter((k) => members[k] !== undefined)
        .sort();
      out.push('{');
      stack.push('}');
      for (let i = names.length - 1; i >= 0; i--) {
        stack.push({ value: members[names[i]!] });
        stack.push(`${JSON.stringify(names[i])}:`);
        if (i > 0) stack.push(',');
      }
    } else {
      out.push(JSON.stringify(v) ?? 'null');
    }
  }
  return out.join('');
}
