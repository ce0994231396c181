/**
 * The flags an SDK holds: compiled by the core from a snapshot, updated by change events in
 * revision order, evaluated locally. Evaluation never throws: anything that goes wrong serves the
 * caller's default with an `ERROR` reason.
 */
import {
  createRulesetWith,
  type Evaluation,
  type Flag,
  type FlagType,
  hashContextKey,
  type JsonValue,
  type OperatorSet,
  type Ruleset,
} from '@ensign/core';
import type { ChangePayload, SnapshotPayload } from './payloads.js';

/** What applying a document did. */
export type Applied =
  /** Applied; these flags (may) evaluate differently now. */
  | { kind: 'applied'; changedFlags: string[] }
  /** Not newer than what is held: ignored. */
  | { kind: 'stale' }
  /** Newer than the next revision: a change was missed, so the SDK must resync (reconnect and replay). */
  | { kind: 'gap' };

const notReady = (defaultValue: JsonValue): Evaluation => ({
  value: defaultValue,
  variation: undefined,
  reason: { kind: 'ERROR', errorKind: 'CLIENT_NOT_READY', message: 'no flags loaded yet' },
  flagVersion: undefined,
});

/**
 * @example
 * const state = new FlagState(allOperators);
 * state.applySnapshot({ revision: 3, flags, segments });
 * state.evaluate('new-checkout', { key: 'user-1' }, false, 'boolean').value;
 */
export class FlagState {
  readonly #operators: OperatorSet;
  #ruleset: Ruleset | undefined;
  #salt: string | undefined;
  #revision = 0;

  constructor(operators: OperatorSet) {
    this.#operators = operators;
  }

  /** The environment revision held: the id of the last snapshot or change applied (0: none). */
  get revision(): number {
    return this.#revision;
  }

  /** Whether any snapshot has been applied. */
  get loaded(): boolean {
    return this.#ruleset !== undefined;
  }

  /**
   * Replaces everything held. With `onlyIfNewer` (a polled snapshot, which may race the stream), a
   * snapshot not newer than what is held is ignored; a stream's snapshot is always applied (the
   * server sends one when the SDK's revision is unknown to it, e.g. after a database restore).
   */
  applySnapshot(snapshot: SnapshotPayload, onlyIfNewer = false): Applied {
    if (onlyIfNewer && this.loaded && snapshot.revision <= this.#revision) return { kind: 'stale' };
    const salt = snapshot.keyHashing?.salt;
    const next = createRulesetWith(this.#operators, {
      flags: snapshot.flags,
      segments: snapshot.segments,
      ...(salt !== undefined && { lookupKey: (key: string) => hashContextKey(salt, key) }),
    });
    const old = this.#ruleset;
    const changed = new Set<string>();
    if (old === undefined || salt !== this.#salt) {
      for (const key of next.flagKeys()) changed.add(key);
    } else {
      const version = (r: Ruleset, key: string) => r.getFlag(key)?.version ?? Number.NaN; // NaN: malformed, never equal
      for (const key of new Set([...old.flagKeys(), ...next.flagKeys()]))
        if (!(version(old, key) === version(next, key))) changed.add(key);
      const segmentVersion = (r: Ruleset, key: string) => r.getSegment(key)?.version ?? Number.NaN;
      const changedSegments = [...new Set([...old.segmentKeys(), ...next.segmentKeys()])].filter(
        (key) => !(segmentVersion(old, key) === segmentVersion(next, key)),
      );
      // Segments change what a flag serves without changing the flag: their users changed too.
      for (const key of usersOfSegments(next, changedSegments)) changed.add(key);
    }
    this.#ruleset = next;
    this.#salt = salt;
    this.#revision = snapshot.revision;
    return { kind: 'applied', changedFlags: [...changed] };
  }

  /** Applies the change of the next revision; older ones are ignored, a skipped one is a gap. */
  applyChange(change: ChangePayload): Applied {
    const ruleset = this.#ruleset;
    if (ruleset === undefined) return { kind: 'gap' };
    if (change.revision <= this.#revision) return { kind: 'stale' };
    if (change.revision > this.#revision + 1) return { kind: 'gap' };
    const changed = new Set<string>();
    const segmentKeys: string[] = [];
    for (const segment of change.segments) {
      ruleset.setSegment(segment);
      const key = (segment as { key?: unknown } | null)?.key;
      if (typeof key === 'string') segmentKeys.push(key);
    }
    for (const key of change.deleted.segments) {
      ruleset.deleteSegment(key);
      segmentKeys.push(key);
    }
    for (const flag of change.flags) {
      ruleset.setFlag(flag);
      const key = (flag as { key?: unknown } | null)?.key;
      if (typeof key === 'string') changed.add(key);
    }
    for (const key of change.deleted.flags) {
      ruleset.deleteFlag(key);
      changed.add(key);
    }
    for (const key of usersOfSegments(ruleset, segmentKeys)) changed.add(key);
    this.#revision = change.revision;
    return { kind: 'applied', changedFlags: [...changed] };
  }

  /**
   * Evaluates a flag; never throws. Before any snapshot: `CLIENT_NOT_READY` with the default.
   * With `type`, a flag of another type is a `WRONG_TYPE` error.
   */
  evaluate(flagKey: string, context: unknown, defaultValue: JsonValue, type?: FlagType): Evaluation {
    const ruleset = this.#ruleset;
    if (ruleset === undefined) return notReady(defaultValue);
    try {
      return ruleset.evaluate(flagKey, context, defaultValue, type);
    } catch (error) {
      // The core does not throw; this guards against what it cannot foresee (a context whose
      // getters throw, a host bug), because an SDK must never throw into its caller's request.
      return {
        value: defaultValue,
        variation: undefined,
        reason: { kind: 'ERROR', errorKind: 'EXCEPTION', message: String(error) },
        flagVersion: undefined,
      };
    }
  }

  /** Keys of every flag held. */
  flagKeys(): string[] {
    return this.#ruleset?.flagKeys() ?? [];
  }

  /** The flag as received (for metadata), when it compiled. */
  getFlag(key: string): Flag | undefined {
    return this.#ruleset?.getFlag(key);
  }

  /** The snapshot document of what is held (for caches and bootstrap payloads). */
  toSnapshot(): SnapshotPayload | undefined {
    const ruleset = this.#ruleset;
    if (ruleset === undefined) return undefined;
    const flags = ruleset.flagKeys().flatMap((k) => ruleset.getFlag(k) ?? []);
    const segments = ruleset.segmentKeys().flatMap((k) => ruleset.getSegment(k) ?? []);
    return {
      revision: this.#revision,
      flags,
      segments,
      ...(this.#salt !== undefined && { keyHashing: { salt: this.#salt } }),
    };
  }
}

/** Segment keys named by `segmentMatch` clauses of a flag's or segment's rules. */
function segmentRefs(
  doc: { rules?: ReadonlyArray<{ clauses?: ReadonlyArray<unknown> }> } | undefined,
): string[] {
  const refs: string[] = [];
  for (const rule of doc?.rules ?? [])
    for (const clause of rule.clauses ?? []) {
      const c = clause as { op?: unknown; values?: unknown };
      if (c.op === 'segmentMatch' && Array.isArray(c.values))
        for (const v of c.values) if (typeof v === 'string') refs.push(v);
    }
  return refs;
}

/** Flags whose rules use any of `segmentKeys`, directly or through other segments. */
function usersOfSegments(ruleset: Ruleset, segmentKeys: readonly string[]): string[] {
  if (segmentKeys.length === 0) return [];
  const affected = new Set(segmentKeys);
  // Segments that use an affected segment are affected too: widen until nothing changes.
  const all = ruleset.segmentKeys();
  for (let grew = true; grew; ) {
    grew = false;
    for (const key of all)
      if (!affected.has(key) && segmentRefs(ruleset.getSegment(key)).some((r) => affected.has(r))) {
        affected.add(key);
        grew = true;
      }
  }
  return ruleset.flagKeys().filter((k) => segmentRefs(ruleset.getFlag(k)).some((r) => affected.has(r)));
}
