/**
 * The Ensign flag model: what the server stores per environment and what SDKs receive.
 * These types (and the operator list) are the wire format; `@ensign/core/schema` holds zod schemas of the same shapes
 * (a type test keeps the two identical).
 */

/** Any JSON value. Variations of `json` flags may be any of these. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The declared type of a flag; every variation must be of this type. */
export type FlagType = 'boolean' | 'string' | 'number' | 'json';

/** Every clause operator, in the order of docs/evaluation.md §5. */
export const OPERATORS = [
  'in',
  'contains',
  'startsWith',
  'endsWith',
  'matches',
  'lt',
  'lte',
  'gt',
  'gte',
  'before',
  'after',
  'semverEq',
  'semverLt',
  'semverLte',
  'semverGt',
  'semverGte',
  'cidr',
  'exists',
  'segmentMatch',
] as const;

/** A clause operator. See docs/evaluation.md for the exact semantics of each. */
export type Operator = (typeof OPERATORS)[number];

/**
 * One condition on one context attribute.
 * `attribute` is a top-level attribute name, or an RFC 6901 JSON Pointer (`/address/city`) when it
 * starts with `/`.
 */
export interface Clause {
  attribute: string;
  op: Operator;
  /** The clause matches when the attribute matches any one of these (OR). */
  values: JsonValue[];
  /** Inverts the result, after missing attributes and wrong types have made the clause false. */
  negate?: boolean;
  /** String operators (in, contains, startsWith, endsWith, matches) compare case-insensitively. */
  caseInsensitive?: boolean;
}

/** One slice of a rollout: `weight` out of 100,000 (0.001 % resolution). */
export interface WeightedVariation {
  variation: number;
  weight: number;
}

/** A percentage split. Weights must sum to exactly 100,000. */
export interface Rollout {
  /** Attribute whose value is hashed; defaults to `key`. Same path syntax as clauses. */
  bucketBy?: string;
  /**
   * When set, the bucket depends only on (seed, value) and not on the flag key or salt, so flags
   * that share a seed put every user in the same bucket.
   */
  seed?: number;
  variations: WeightedVariation[];
}

/** What a rule or the fallthrough serves: exactly one of a fixed variation or a rollout. */
export type Serve = { variation: number; rollout?: never } | { rollout: Rollout; variation?: never };

/** Ordered targeting rule: all clauses must match (AND); the first matching rule wins. */
export interface Rule {
  /** Stable id, reported in RULE_MATCH reasons; unique within the flag. */
  id: string;
  description?: string;
  clauses: Clause[];
  serve: Serve;
}

/** Individual targeting: context keys that always get `variation`. */
export interface Target {
  variation: number;
  values: string[];
}

/** The flag `key` must evaluate to `variation` (and be on) for this flag to proceed. */
export interface Prerequisite {
  key: string;
  variation: number;
}

/** A flag's configuration in one environment. */
export interface Flag {
  key: string;
  /** Increases with every change; reported in results so SDK events can be correlated. */
  version: number;
  type: FlagType;
  /** The kill switch: when false every context gets `offVariation`. */
  on: boolean;
  variations: JsonValue[];
  offVariation: number;
  targets?: Target[];
  prerequisites?: Prerequisite[];
  rules?: Rule[];
  fallthrough: Serve;
  /** Mixed into the bucketing hash so two flags' rollouts are independent. Defaults to "". */
  salt?: string;
  /** Sent to client-side (browser) SDKs only when true. */
  clientSide?: boolean;
}

/** A rule of a segment: clauses ANDed, optionally limited to a percentage of matching contexts. */
export interface SegmentRule {
  id?: string;
  clauses: Clause[];
  /** 0..100,000: the share of matching contexts that are in the segment. Omitted = all. */
  weight?: number;
  /** Attribute hashed for `weight`; defaults to `key`. */
  bucketBy?: string;
}

/** A reusable set of contexts: included keys, then excluded keys, then rules. */
export interface Segment {
  key: string;
  version: number;
  included?: string[];
  excluded?: string[];
  rules?: SegmentRule[];
  /** Mixed into the bucketing hash of weighted rules. Defaults to "". */
  salt?: string;
}

/**
 * Who or what a flag is evaluated for. `key` identifies the context for targets and is the
 * default rollout attribute; any other attribute may be used in clauses.
 */
export interface Context {
  key?: string;
  [attribute: string]: unknown;
}

/** Why an evaluation failed; the caller's default is served. */
export type ErrorKind =
  | 'FLAG_NOT_FOUND'
  | 'MALFORMED_FLAG'
  | 'WRONG_TYPE'
  | 'INVALID_CONTEXT'
  | 'TARGETING_KEY_MISSING'
  | 'CLIENT_NOT_READY'
  | 'EXCEPTION';

/** Why a value was served. */
export type Reason =
  | { kind: 'OFF' }
  | { kind: 'TARGET_MATCH' }
  | { kind: 'RULE_MATCH'; ruleIndex: number; ruleId: string; inRollout: boolean }
  | { kind: 'PREREQUISITE_FAILED'; prerequisiteKey: string }
  | { kind: 'FALLTHROUGH'; inRollout: boolean }
  | { kind: 'ERROR'; errorKind: ErrorKind; message?: string };

/** The kinds of reason, e.g. for switch statements. */
export type ReasonKind = Reason['kind'];

/**
 * The outcome of one evaluation. Successful results are built once per flag (on first use) and
 * shared: treat them (and their values) as read-only; they are frozen.
 */
export interface Evaluation<T = JsonValue> {
  value: T;
  /** Index into the flag's variations; undefined when the default was served (ERROR). */
  variation: number | undefined;
  reason: Reason;
  /** The flag version that produced the value; undefined when the flag was not found. */
  flagVersion: number | undefined;
}
