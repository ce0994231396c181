/**
 * The Ensign conformance suite: language-neutral evaluation cases (`cases/*.json`), bucket vectors
 * (`cases/bucketing.json`) and hashed-key vectors (`cases/key-hashing.json`), plus a small runner that loads
 * them and compares an SDK's results with the expectations. Every expectation is derived by hand from
 * docs/evaluation.md (bucket numbers and key hashes come from independent implementations, see
 * scripts/generate-bucket-vectors.mjs and scripts/generate-key-hash-vectors.mjs), never from an
 * implementation under test.
 *
 * Node-only: the files are read with `node:fs`, relative to this package.
 *
 * @packageDocumentation
 */

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the directory that holds the case files (`cases/`, next to `src/` and `dist/`). */
export const CASES_DIR: string = fileURLToPath(new URL('../cases/', import.meta.url));

/** The file of generated bucket vectors inside {@link CASES_DIR}; it holds no evaluation cases. */
export const BUCKETING_FILE = 'bucketing.json';

/** The file of generated hashed-key vectors inside {@link CASES_DIR}; it holds no evaluation cases. */
export const KEY_HASHING_FILE = 'key-hashing.json';

const VECTOR_FILES = [BUCKETING_FILE, KEY_HASHING_FILE];

/** The typed getter a case asks for; absent means an untyped evaluation (no WRONG_TYPE check). */
export type ConformanceType = 'boolean' | 'string' | 'number' | 'json';

const TYPES: readonly ConformanceType[] = ['boolean', 'string', 'number', 'json'];

/**
 * What an evaluation must produce. On `ERROR`, `value` is the case's `default` and `variation` is `null`
 * (an SDK's `undefined` is accepted as `null`). `reason` is compared field by field, except the optional
 * `message` of an `ERROR` reason.
 */
export interface ConformanceExpectation {
  value: unknown;
  variation: number | null;
  reason: Record<string, unknown>;
}

/**
 * Hashed key lists (docs/evaluation.md §9): the environment's individual targets and segment
 * `included`/`excluded` lists hold `hash(salt, key)` instead of keys, so it must be evaluated in hashed
 * mode with this salt (in `@ensign/core`: `lookupKey: (key) => hashContextKey(salt, key)`).
 */
export interface ConformanceKeyHashing {
  salt: string;
}

/**
 * One evaluation to perform: build an environment from `flags` and `segments` (each compiled on its own:
 * some are deliberately malformed; with `keyHashing`, in hashed-key mode), evaluate flag `flag` for
 * `context` with the caller's `default` (and, when `type` is present, through the typed getter of that
 * type), and check the result with {@link checkResult}.
 */
export interface ConformanceCase {
  /** Unique id: `"<file> › <name>"`, e.g. `"operators-in.json › match first value"`. */
  id: string;
  /** The case file, e.g. `"operators-in.json"`. */
  file: string;
  /** The test's name, unique within its file. */
  name: string;
  /** The file's suite title. */
  suite: string;
  /** The environment's flags, as raw JSON (per `Flag` in `@ensign/core` model.ts, or malformed on purpose). */
  flags: unknown[];
  /** The environment's segments, as raw JSON (per `Segment`, or malformed on purpose). */
  segments: unknown[];
  /** Present when the environment's key lists are hashed: evaluate in hashed mode with this salt. */
  keyHashing?: ConformanceKeyHashing;
  /** Key of the flag to evaluate (absent from `flags` for FLAG_NOT_FOUND cases). */
  flag: string;
  /** The context: any JSON value (non-objects test INVALID_CONTEXT). */
  context: unknown;
  /** The caller's default value. */
  default: unknown;
  /** The typed getter to use; absent for an untyped evaluation. */
  type?: ConformanceType;
  expect: ConformanceExpectation;
}

/**
 * One bucketing vector (docs/evaluation.md §6). The hash input is `flagKey + "." + salt + "." + value`, or
 * `String(seed) + "." + value` when `seed` is present. Segment vectors carry the segment key in `flagKey`.
 */
export interface BucketVector {
  flagKey: string;
  salt: string;
  seed?: number;
  value: string;
  /** floor(hash × 100000 / 2³²), in [0, 100000). */
  bucket: number;
  /** The unsigned 32-bit MurmurHash3 of the UTF-8 input, to debug a wrong bucket. */
  hash?: number;
}

/**
 * One hashed-key vector (docs/evaluation.md §9): `hash` is base64url (no padding) of the first 16 bytes of
 * SHA-256 over the UTF-8 bytes of `salt + ":" + key`.
 */
export interface KeyHashVector {
  salt: string;
  key: string;
  /** 22 characters of `A–Z a–z 0–9 - _`. */
  hash: string;
}

/** A case file as it is stored: a suite of tests sharing one environment. */
export interface CaseFile {
  suite: string;
  description?: string;
  /** Present when the environment's key lists are hashed (§9). */
  keyHashing?: ConformanceKeyHashing;
  flags: unknown[];
  segments: unknown[];
  tests: Array<{
    name: string;
    flag: string;
    context: unknown;
    default: unknown;
    type?: ConformanceType;
    expect: ConformanceExpectation;
  }>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(new URL(file, new URL('../cases/', import.meta.url)), 'utf8'));
}

/** The names of the case files in {@link CASES_DIR}, sorted, without the bucket and key-hash vectors. */
export function caseFileNames(): string[] {
  return readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.json') && !VECTOR_FILES.includes(f))
    .sort();
}

/**
 * Validates one parsed case file and turns its tests into {@link ConformanceCase}s.
 * Throws an `Error` naming the file and test when the file does not have the documented format.
 */
export function parseCaseFile(fileName: string, data: unknown): ConformanceCase[] {
  const fail = (where: string, problem: string): never => {
    throw new Error(`${fileName}${where}: ${problem}`);
  };
  if (!isObject(data)) return fail('', 'not a JSON object');
  const { suite, flags, tests } = data;
  const segments = data.segments ?? [];
  if (typeof suite !== 'string' || suite === '') fail('', '"suite" must be a non-empty string');
  if (!Array.isArray(flags)) fail('', '"flags" must be an array');
  if (!Array.isArray(segments)) fail('', '"segments" must be an array');
  if (!Array.isArray(tests)) fail('', '"tests" must be an array');
  const { keyHashing } = data;
  if (keyHashing !== undefined && (!isObject(keyHashing) || typeof keyHashing.salt !== 'string')) {
    fail('', '"keyHashing" must be an object with a string "salt"');
  }
  const seen = new Set<string>();
  return (tests as unknown[]).map((test, i) => {
    const at = ` tests[${i}]`;
    if (!isObject(test)) return fail(at, 'not an object');
    const { name, flag, expect, type } = test;
    if (typeof name !== 'string' || name === '') return fail(at, '"name" must be a non-empty string');
    const where = ` › ${name}`;
    if (seen.has(name)) fail(where, 'duplicate test name');
    seen.add(name);
    if (typeof flag !== 'string') fail(where, '"flag" must be a string');
    if (!('context' in test)) fail(where, '"context" is required (it may be null)');
    if (!('default' in test)) fail(where, '"default" is required (it may be null)');
    if (type !== undefined && !TYPES.includes(type as ConformanceType)) {
      fail(where, `"type" must be one of ${TYPES.join(', ')}`);
    }
    if (!isObject(expect)) return fail(where, '"expect" must be an object');
    if (!('value' in expect)) fail(where, '"expect.value" is required');
    const variation = expect.variation;
    if (variation !== null && !Number.isInteger(variation)) {
      fail(where, '"expect.variation" must be an integer or null');
    }
    if (!isObject(expect.reason) || typeof expect.reason.kind !== 'string') {
      fail(where, '"expect.reason" must be an object with a string "kind"');
    }
    const c: ConformanceCase = {
      id: `${fileName} › ${name}`,
      file: fileName,
      name,
      suite: suite as string,
      flags: flags as unknown[],
      segments: segments as unknown[],
      flag: flag as string,
      context: test.context,
      default: test.default,
      expect: {
        value: expect.value,
        variation: variation as number | null,
        reason: expect.reason as Record<string, unknown>,
      },
    };
    if (type !== undefined) c.type = type as ConformanceType;
    if (isObject(keyHashing)) c.keyHashing = { salt: keyHashing.salt as string };
    return c;
  });
}

/**
 * Loads every evaluation case of `cases/*.json` (all files except `bucketing.json` and
 * `key-hashing.json`), in file order and then test order. Each call returns fresh objects; cases of one
 * file share their `flags` and `segments` arrays. Cases with `keyHashing` must be evaluated in hashed-key
 * mode.
 */
export function loadCases(): ConformanceCase[] {
  return caseFileNames().flatMap((file) => parseCaseFile(file, readJson(file)));
}

/** Loads the bucket vectors of `cases/bucketing.json` (docs/evaluation.md §6). */
export function loadBucketVectors(): BucketVector[] {
  const data = readJson(BUCKETING_FILE);
  if (!isObject(data) || !Array.isArray(data.vectors)) {
    throw new Error(`${BUCKETING_FILE}: expected { "vectors": [...] }`);
  }
  return data.vectors.map((v: unknown, i: number): BucketVector => {
    const bad = (): never => {
      throw new Error(`${BUCKETING_FILE} vectors[${i}]: malformed vector ${JSON.stringify(v)}`);
    };
    if (!isObject(v)) return bad();
    const { flagKey, salt, value, bucket, seed, hash } = v;
    if (typeof flagKey !== 'string' || typeof salt !== 'string' || typeof value !== 'string') return bad();
    if (typeof bucket !== 'number' || !Number.isInteger(bucket)) return bad();
    const vector: BucketVector = { flagKey, salt, value, bucket };
    if (seed !== undefined) {
      if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) return bad();
      vector.seed = seed;
    }
    if (hash !== undefined) {
      if (typeof hash !== 'number' || !Number.isInteger(hash)) return bad();
      vector.hash = hash;
    }
    return vector;
  });
}

/** Loads the hashed-key vectors of `cases/key-hashing.json` (docs/evaluation.md §9). */
export function loadKeyHashVectors(): KeyHashVector[] {
  const data = readJson(KEY_HASHING_FILE);
  if (!isObject(data) || !Array.isArray(data.vectors)) {
    throw new Error(`${KEY_HASHING_FILE}: expected { "vectors": [...] }`);
  }
  return data.vectors.map((v: unknown, i: number): KeyHashVector => {
    if (
      !isObject(v) ||
      typeof v.salt !== 'string' ||
      typeof v.key !== 'string' ||
      typeof v.hash !== 'string' ||
      !/^[A-Za-z0-9_-]{22}$/.test(v.hash)
    ) {
      throw new Error(`${KEY_HASHING_FILE} vectors[${i}]: malformed vector ${JSON.stringify(v)}`);
    }
    return { salt: v.salt, key: v.key, hash: v.hash };
  });
}

/**
 * Deep equality of JSON values: objects compare by their members regardless of order (members whose
 * value is `undefined` count as absent, as in JSON), arrays element by element, numbers with `===`
 * (so `0` equals `-0`).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = definedKeys(ra);
  const kb = definedKeys(rb);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(rb, k) && jsonEqual(ra[k], rb[k]));
}

function definedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).filter((k) => o[k] !== undefined);
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s;
  } catch {
    return String(v);
  }
}

/**
 * Compares an SDK's evaluation result with a case's expectation.
 *
 * - `value`: deep JSON equality ({@link jsonEqual});
 * - `variation`: `undefined` is treated as `null`;
 * - `reason`: every field of either side is compared (a field whose value is `undefined` counts as
 *   absent), except `message` when the expected reason is an `ERROR`.
 *
 * Returns human-readable mismatches (empty when the result conforms). `actual.variation` undefined is
 * treated as null.
 */
export function checkResult(
  c: ConformanceCase,
  actual: { value: unknown; variation: number | null | undefined; reason: Record<string, unknown> },
): string[] {
  const problems: string[] = [];
  const { expect } = c;
  if (!jsonEqual(actual.value, expect.value)) {
    problems.push(`value: expected ${show(expect.value)}, got ${show(actual.value)}`);
  }
  const variation = actual.variation === undefined ? null : actual.variation;
  if (variation !== expect.variation) {
    problems.push(`variation: expected ${show(expect.variation)}, got ${show(variation)}`);
  }
  const reason: unknown = actual.reason;
  if (!isObject(reason)) {
    problems.push(`reason: expected ${show(expect.reason)}, got ${show(reason)}`);
    return problems;
  }
  const skipMessage = expect.reason.kind === 'ERROR';
  const fields = new Set([...definedKeys(expect.reason), ...definedKeys(reason)]);
  for (const field of fields) {
    if (skipMessage && field === 'message') continue;
    if (!jsonEqual(reason[field], expect.reason[field])) {
      problems.push(`reason.${field}: expected ${show(expect.reason[field])}, got ${show(reason[field])}`);
    }
  }
  return problems;
}
