#!/usr/bin/env node
// Generates the hashed-key-list fixtures of docs/evaluation.md §9:
//   cases/key-hashing.json  hash vectors: { salt, key, hash }
//   cases/hashed-keys.json  evaluation cases whose targets and segment lists hold hashed keys
//
//   node scripts/generate-key-hash-vectors.mjs          write both files
//   node scripts/generate-key-hash-vectors.mjs --check  fail if either file is out of date
//
// Hashes come from node:crypto (OpenSSL's SHA-256), never from Ensign code, over UTF-8 bytes that
// Buffer and TextEncoder must agree on; node:crypto is first checked against FIPS 180-4 vectors.
// The evaluation cases below are written by hand from the spec, with plain keys: this script only
// replaces every `targets[].values`, `included` and `excluded` entry by its hash (the transformation
// the server applies to a client payload). Contexts keep their plain keys.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const VECTORS_OUT = fileURLToPath(new URL('../cases/key-hashing.json', import.meta.url));
const CASES_OUT = fileURLToPath(new URL('../cases/hashed-keys.json', import.meta.url));

// FIPS 180-4 examples (and the empty string): node:crypto must reproduce them.
for (const [input, hex] of [
  ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  [
    'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  ],
]) {
  const got = createHash('sha256').update(Buffer.from(input, 'utf8')).digest('hex');
  if (got !== hex)
    throw new Error(`node:crypto SHA-256 of ${JSON.stringify(input)}: ${got}, expected ${hex}`);
}

/** §9: base64url (no padding) of the first 16 bytes of SHA-256(UTF-8(salt + ":" + key)). */
function keyHash(salt, key) {
  const input = `${salt}:${key}`;
  const bytes = Buffer.from(input, 'utf8');
  if (Buffer.compare(bytes, Buffer.from(new TextEncoder().encode(input))) !== 0) {
    throw new Error(`UTF-8 encoders disagree on ${JSON.stringify(input)}`);
  }
  return createHash('sha256').update(bytes).digest().subarray(0, 16).toString('base64url');
}

// --- Evaluation cases -------------------------------------------------------------------------

const SALT = 'prod-3qZ8';

/** A list entry that is already a hash, here under another environment's salt: kept as is. */
class Prehashed {
  constructor(salt, key) {
    this.salt = salt;
    this.key = key;
  }
}

const used = []; // every (salt, key) that a list or context of the cases needs, for the vectors
function hashed(entry) {
  const [salt, key] = entry instanceof Prehashed ? [entry.salt, entry.key] : [SALT, entry];
  used.push({ salt, key });
  return keyHash(salt, key);
}

const LONG = 'k'.repeat(999) + '!'; // 1,000 characters: several SHA-256 blocks
/** A flag in the usual member order; `rest` adds or overrides members. */
const flag = (key, type, variations, rest) => ({
  key,
  version: 1,
  type,
  on: true,
  variations,
  offVariation: 0,
  ...rest,
});
const bool = (key, rest) => flag(key, 'boolean', [false, true], { fallthrough: { variation: 0 }, ...rest });
const segmentRule = (id, segment, negate) => ({
  id,
  clauses: [{ attribute: 'key', op: 'segmentMatch', values: [segment], ...(negate ? { negate } : {}) }],
  serve: { variation: 1 },
});

const FLAGS = [
  flag('hashed-targets', 'string', ['fallthrough', 'target-1', 'target-2', 'rule'], {
    targets: [
      { variation: 1, values: ['alice', 'carol', new Prehashed('staging-Yp4c', 'mallory')] },
      { variation: 2, values: ['bob', 'alice'] },
    ],
    rules: [
      { id: 'de', clauses: [{ attribute: 'country', op: 'in', values: ['DE'] }], serve: { variation: 3 } },
    ],
    fallthrough: { variation: 0 },
  }),
  flag('hashed-targets-off', 'string', ['off', 'target'], {
    on: false,
    targets: [{ variation: 1, values: ['alice'] }],
    fallthrough: { variation: 1 },
  }),
  flag('hashed-unicode', 'string', ['fallthrough', 'listed', 'nfc'], {
    targets: [
      { variation: 1, values: ['ünïcödé', '😀', '𐐀𐐨', '日本語', '', '\ud800', LONG] },
      { variation: 2, values: ['\u00e9'] },
    ],
    fallthrough: { variation: 0 },
  }),
  flag('needs-target-1', 'string', ['prerequisite failed', 'fallthrough'], {
    prerequisites: [{ key: 'hashed-targets', variation: 1 }],
    fallthrough: { variation: 1 },
  }),
  bool('in-hashed-segment', { rules: [segmentRule('seg', 'hashed-segment')] }),
  bool('not-in-hashed-segment', { rules: [segmentRule('not-seg', 'hashed-segment', true)] }),
  bool('in-seg-weighted', { rules: [segmentRule('weighted', 'seg-weighted')] }),
  bool('key-clause', {
    rules: [
      {
        id: 'plain-keys',
        clauses: [{ attribute: 'key', op: 'in', values: ['alice', 'mallory'] }],
        serve: { variation: 1 },
      },
    ],
  }),
  flag('hashed-rollout', 'string', ['a', 'b', 'c'], {
    targets: [{ variation: 2, values: ['user-2'] }],
    fallthrough: {
      rollout: {
        seed: 42,
        variations: [
          { variation: 0, weight: 89437 },
          { variation: 1, weight: 1 },
          { variation: 2, weight: 10562 },
        ],
      },
    },
  }),
];

const SEGMENTS = [
  {
    key: 'hashed-segment',
    version: 1,
    included: ['alice', 'erin'],
    excluded: ['bob', 'erin'],
    rules: [{ clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }] }],
  },
  {
    // Buckets (bucketing.json, segment "seg-weighted", salt "seg-salt"): user-3 14047, user-4 23726,
    // user-5 40739, user-6 27910.
    key: 'seg-weighted',
    version: 1,
    salt: 'seg-salt',
    included: ['user-6'],
    excluded: ['user-3'],
    rules: [{ clauses: [], weight: 24000 }],
  },
];

const target = (variation, value) => ({ value, variation, reason: { kind: 'TARGET_MATCH' } });
const rule = (variation, value, ruleIndex, ruleId, inRollout = false) => ({
  value,
  variation,
  reason: { kind: 'RULE_MATCH', ruleIndex, ruleId, inRollout },
});
const fallthrough = (variation, value, inRollout = false) => ({
  value,
  variation,
  reason: { kind: 'FALLTHROUGH', inRollout },
});
const t = (name, flag, context, expect) => ({ name, flag, context, default: 'default', expect });

// Expectations by hand from §3, §7 and §9: lists are matched by the hash of the context's key.
const TESTS = () => [
  // Individual targets (§3 step 5, §9).
  t(
    'target: a listed key matches by its hash, the first target listing it wins',
    'hashed-targets',
    { key: 'alice' },
    target(1, 'target-1'),
  ),
  t('target: a key of the second target', 'hashed-targets', { key: 'bob' }, target(2, 'target-2')),
  t(
    'target: targets come before rules',
    'hashed-targets',
    { key: 'carol', country: 'DE' },
    target(1, 'target-1'),
  ),
  t(
    'target: an unlisted key falls through',
    'hashed-targets',
    { key: 'dave' },
    fallthrough(0, 'fallthrough'),
  ),
  t(
    'target: an unlisted key still meets the rules',
    'hashed-targets',
    { key: 'dave', country: 'DE' },
    rule(3, 'rule', 0, 'de'),
  ),
  t('target: keys are case-sensitive', 'hashed-targets', { key: 'ALICE' }, fallthrough(0, 'fallthrough')),
  t('target: a context without key matches no target', 'hashed-targets', {}, fallthrough(0, 'fallthrough')),
  t(
    'target: a context without key still meets the rules',
    'hashed-targets',
    { country: 'DE' },
    rule(3, 'rule', 0, 'de'),
  ),
  t(
    "target: a key equal to a listed hash is not that hash's key",
    'hashed-targets',
    { key: hashed('alice') },
    fallthrough(0, 'fallthrough'),
  ),
  t(
    "target: a hash made with another environment's salt never matches",
    'hashed-targets',
    { key: 'mallory' },
    fallthrough(0, 'fallthrough'),
  ),
  t(
    'target: a non-string key is still INVALID_CONTEXT',
    'hashed-targets',
    { key: 42 },
    {
      value: 'default',
      variation: null,
      reason: { kind: 'ERROR', errorKind: 'INVALID_CONTEXT' },
    },
  ),
  t(
    'target: an off flag does not consult its targets',
    'hashed-targets-off',
    { key: 'alice' },
    {
      value: 'off',
      variation: 0,
      reason: { kind: 'OFF' },
    },
  ),
  t(
    'prerequisite: met through a hashed target',
    'needs-target-1',
    { key: 'alice' },
    fallthrough(1, 'fallthrough'),
  ),
  t(
    'prerequisite: failed when the target does not list the key',
    'needs-target-1',
    { key: 'bob' },
    {
      value: 'prerequisite failed',
      variation: 0,
      reason: { kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'hashed-targets' },
    },
  ),

  // Unicode keys (§9: UTF-8, no normalisation, lone surrogates as U+FFFD).
  t('unicode: accented key', 'hashed-unicode', { key: 'ünïcödé' }, target(1, 'listed')),
  t('unicode: astral key', 'hashed-unicode', { key: '😀' }, target(1, 'listed')),
  t('unicode: two astral characters', 'hashed-unicode', { key: '𐐀𐐨' }, target(1, 'listed')),
  t('unicode: CJK key', 'hashed-unicode', { key: '日本語' }, target(1, 'listed')),
  t('unicode: the empty key is a key', 'hashed-unicode', { key: '' }, target(1, 'listed')),
  t('unicode: lone surrogate', 'hashed-unicode', { key: '\ud800' }, target(1, 'listed')),
  t(
    'unicode: U+FFFD hashes like a lone surrogate, so it matches one',
    'hashed-unicode',
    { key: '\ufffd' },
    target(1, 'listed'),
  ),
  t('unicode: a lone low surrogate too', 'hashed-unicode', { key: '\udfff' }, target(1, 'listed')),
  t('unicode: NFC é matches NFC', 'hashed-unicode', { key: '\u00e9' }, target(2, 'nfc')),
  t(
    'unicode: NFD é is another key (no normalisation)',
    'hashed-unicode',
    { key: 'e\u0301' },
    fallthrough(0, 'fallthrough'),
  ),
  t('unicode: a 1,000-character key', 'hashed-unicode', { key: LONG }, target(1, 'listed')),
  t(
    'unicode: the same key without its last character',
    'hashed-unicode',
    { key: LONG.slice(0, -1) },
    fallthrough(0, 'fallthrough'),
  ),

  // Segments (§7, §9).
  t('segment: included key', 'in-hashed-segment', { key: 'alice' }, rule(1, true, 0, 'seg')),
  t(
    'segment: excluded key, though a rule matches',
    'in-hashed-segment',
    { key: 'bob', plan: 'pro' },
    fallthrough(0, false),
  ),
  t('segment: included beats excluded', 'in-hashed-segment', { key: 'erin' }, rule(1, true, 0, 'seg')),
  t(
    'segment: an unlisted key meets the rules',
    'in-hashed-segment',
    { key: 'dave', plan: 'pro' },
    rule(1, true, 0, 'seg'),
  ),
  t(
    'segment: an unlisted key that meets no rule',
    'in-hashed-segment',
    { key: 'dave' },
    fallthrough(0, false),
  ),
  t(
    'segment: a context without key meets the rules',
    'in-hashed-segment',
    { plan: 'pro' },
    rule(1, true, 0, 'seg'),
  ),
  t('segment: a context without key is in no list', 'in-hashed-segment', {}, fallthrough(0, false)),
  t(
    'segment: a key equal to a listed hash is not included',
    'in-hashed-segment',
    { key: hashed('alice') },
    fallthrough(0, false),
  ),
  t('segment: negated, excluded key', 'not-in-hashed-segment', { key: 'bob' }, rule(1, true, 0, 'not-seg')),
  t('segment: negated, included key', 'not-in-hashed-segment', { key: 'alice' }, fallthrough(0, false)),
  t(
    'segment weighted: user-4 (bucket 23726)',
    'in-seg-weighted',
    { key: 'user-4' },
    rule(1, true, 0, 'weighted'),
  ),
  t('segment weighted: user-5 (bucket 40739)', 'in-seg-weighted', { key: 'user-5' }, fallthrough(0, false)),
  t(
    'segment weighted: excluded user-3 (bucket 14047)',
    'in-seg-weighted',
    { key: 'user-3' },
    fallthrough(0, false),
  ),
  t(
    'segment weighted: included user-6 (bucket 27910)',
    'in-seg-weighted',
    { key: 'user-6' },
    rule(1, true, 0, 'weighted'),
  ),

  // Not hashed: clause values and bucketing (§9).
  t(
    'rule: key in [...] compares the plain key',
    'key-clause',
    { key: 'alice' },
    rule(1, true, 0, 'plain-keys'),
  ),
  t('rule: key in [...] with an unlisted key', 'key-clause', { key: 'bob' }, fallthrough(0, false)),
  t(
    'rollout: buckets the plain key, user-1 (bucket 89437)',
    'hashed-rollout',
    { key: 'user-1' },
    fallthrough(1, 'b', true),
  ),
  t('rollout: the flag targets user-2 by hash', 'hashed-rollout', { key: 'user-2' }, target(2, 'c')),
];

// --- Hash vectors -------------------------------------------------------------------------------

/** Keys whose `salt:key` input is `total` UTF-8 bytes long, around the padding boundaries. */
const sized = (salt, total) => ({ salt, key: 'x'.repeat(total - salt.length - 1) });

const VECTOR_INPUTS = [
  // Worked examples of docs/evaluation.md §9.
  { salt: 'prod-3qZ8', key: 'user-1' },
  { salt: 'staging-Yp4c', key: 'user-1' },
  { salt: '', key: '' },
  { salt: '', key: 'user-1' },
  { salt: 'prod-3qZ8', key: '' },
  // The input is salt + ":" + key, nothing more: these two collide by construction.
  { salt: 'a:b', key: 'c' },
  { salt: 'a', key: 'b:c' },
  // Padding boundaries: 55/56 bytes (one or two blocks), 63/64, 119/120, 128.
  ...[55, 56, 63, 64, 119, 120, 128].map((n) => sized('prod-3qZ8', n)),
  // Long keys: many blocks, multi-byte characters.
  { salt: 'prod-3qZ8', key: 'é'.repeat(700) },
  { salt: 'prod-3qZ8', key: '😀'.repeat(300) },
  // Unicode: BMP, combining marks, astral, lone and reversed surrogates (→ U+FFFD).
  { salt: 'prod-3qZ8', key: 'e\u0301' },
  { salt: 'prod-3qZ8', key: '\udc00' },
  { salt: 'prod-3qZ8', key: 'a\ud800b' },
  { salt: 'prod-3qZ8', key: 'a\ufffdb' },
  { salt: 'prod-3qZ8', key: '\ude00\ud83d' },
  { salt: 'prod-3qZ8', key: '\ud83d\ude00' },
  { salt: 'соль', key: 'ключ' },
  { salt: '🧂', key: '👩‍👩‍👧' },
];

// --- Output -------------------------------------------------------------------------------------

/** Replaces the key lists of a flag or segment by their hashes. */
function hashLists(entity) {
  const out = { ...entity };
  if (out.targets) out.targets = out.targets.map((tg) => ({ ...tg, values: tg.values.map(hashed) }));
  if (out.included) out.included = out.included.map(hashed);
  if (out.excluded) out.excluded = out.excluded.map(hashed);
  return out;
}

/** Writes combining marks, joiners and U+FFFD as \u escapes so the files read unambiguously. */
function escapeInvisible(text) {
  return text.replace(
    /[\u0300-\u036f\u200b-\u200f\ufffd]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
const line = (v) => `    ${escapeInvisible(JSON.stringify(v))}`;

const flags = FLAGS.map(hashLists);
const segments = SEGMENTS.map(hashLists);
const tests = TESTS();
const casesJson = `{
  "suite": "hashed key lists",
  "description": ${JSON.stringify(
    'Client payloads hold individual targets and segment included/excluded lists as hashes of the keys ' +
      '(docs/evaluation.md §9): keyHashing.salt is the salt to hash a context key with. ' +
      'Generated by scripts/generate-key-hash-vectors.mjs (do not edit): expectations are written by hand there, ' +
      'with plain keys; the script replaces the list entries by their hashes (every one is a vector of key-hashing.json). ' +
      'Contexts keep plain keys; clause values (key in [...]) and bucketing are not hashed. ' +
      'Buckets quoted in names are vectors of bucketing.json.',
  )},
  "keyHashing": ${JSON.stringify({ salt: SALT })},
  "flags": [
${flags.map(line).join(',\n')}
  ],
  "segments": [
${segments.map(line).join(',\n')}
  ],
  "tests": [
${tests.map(line).join(',\n')}
  ]
}
`;

const seen = new Set();
const vectors = [];
for (const { salt, key } of [...VECTOR_INPUTS, ...used]) {
  const id = JSON.stringify([salt, key]);
  if (seen.has(id)) continue;
  seen.add(id);
  vectors.push({ salt, key, hash: keyHash(salt, key) });
}
const vectorsJson = `{
  "description": ${JSON.stringify(
    'Hashed context keys per docs/evaluation.md §9, generated by scripts/generate-key-hash-vectors.mjs ' +
      '(do not edit) with node:crypto. hash = base64url without padding of the first 16 bytes of ' +
      'SHA-256 over the UTF-8 bytes of salt + ":" + key (lone surrogates as U+FFFD).',
  )},
  "vectors": [
${vectors.map(line).join(',\n')}
  ]
}
`;

const outputs = [
  [VECTORS_OUT, vectorsJson, `${vectors.length} vectors`],
  [CASES_OUT, casesJson, `${tests.length} cases`],
];
if (process.argv.includes('--check')) {
  let stale = false;
  for (const [file, json, what] of outputs) {
    const name = `cases/${file.split('/').pop()}`;
    if (readFileSync(file, 'utf8') !== json) {
      console.error(`${name} is out of date: run node scripts/generate-key-hash-vectors.mjs`);
      stale = true;
    } else console.log(`${name} is up to date (${what})`);
  }
  if (stale) process.exit(1);
} else {
  for (const [file, json, what] of outputs) {
    writeFileSync(file, json);
    console.log(`wrote ${what} to cases/${file.split('/').pop()}`);
  }
  console.log('\n| salt | key | hash |\n|---|---|---|');
  for (const v of vectors.slice(0, 5)) {
    const cell = (s) => (s === '' ? '`""`' : `\`${s}\``);
    console.log(`| ${cell(v.salt)} | ${cell(v.key)} | \`${v.hash}\` |`);
  }
}
