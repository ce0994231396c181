#!/usr/bin/env node
// Generates cases/bucketing.json: bucket numbers per docs/evaluation.md §6.
//
//   node scripts/generate-bucket-vectors.mjs          write cases/bucketing.json, print the first rows
//   node scripts/generate-bucket-vectors.mjs --check  fail if cases/bucketing.json is out of date
//
// Bucket numbers are the only computed expectations of the conformance suite. They come from two
// MurmurHash3 x86 32-bit implementations that must agree on every input:
//   1. the `murmurhash` npm package (`murmurhash.v3(input, 0)`; version 2 encodes strings with
//      TextEncoder, i.e. UTF-8 with lone surrogates as U+FFFD — we pass it our own bytes anyway);
//   2. the small implementation below, over bytes from the hand-written UTF-8 encoder below.
// Both are also checked against published MurmurHash3 reference values before anything is written.
// No Ensign code is used.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const murmurhash = require('murmurhash');

const OUT = fileURLToPath(new URL('../cases/bucketing.json', import.meta.url));

/** UTF-8 per RFC 3629; a lone surrogate encodes as U+FFFD (EF BF BD), like TextEncoder. */
function utf8(str) {
  const out = [];
  for (let i = 0; i < str.length; i++) {
    let cp = str.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const next = i + 1 < str.length ? str.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        cp = 0xfffd;
      }
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
      cp = 0xfffd;
    }
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else
      out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}

/** MurmurHash3 x86 32-bit of `bytes`, as an unsigned 32-bit integer. */
function murmur3(bytes, seed = 0) {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const tail = bytes.length & ~3;
  for (let i = 0; i < tail; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = bytes.length & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= bytes[tail + 2] << 16;
    if (rest >= 2) k ^= bytes[tail + 1] << 8;
    k ^= bytes[tail];
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hash(input) {
  const bytes = utf8(input);
  const own = murmur3(bytes);
  const pkg = murmurhash.v3(bytes, 0);
  const pkgFromString = murmurhash.v3(input, 0);
  const encoder = new TextEncoder().encode(input);
  if (Buffer.compare(Buffer.from(bytes), Buffer.from(encoder)) !== 0) {
    throw new Error(`UTF-8 encoders disagree on ${JSON.stringify(input)}`);
  }
  if (own !== pkg || own !== pkgFromString) {
    throw new Error(
      `murmur3 implementations disagree on ${JSON.stringify(input)}: ${own} ${pkg} ${pkgFromString}`,
    );
  }
  return own;
}

// Published MurmurHash3_x86_32 reference values (SMHasher / widely reproduced test vectors).
const REFERENCE = [
  ['', 0, 0x00000000],
  ['', 1, 0x514e28b7],
  ['', 0xffffffff, 0x81f16f39],
  ['hello', 0, 0x248bfa47],
  ['Hello, world!', 1234, 0xfaf6cdb3],
  ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
  ['aaaa', 0x9747b28c, 0x5a97808a],
  ['aaa', 0x9747b28c, 0x283e0130],
  ['aa', 0x9747b28c, 0x5d211726],
  ['a', 0x9747b28c, 0x7fa09ea6],
  ['abcd', 0x9747b28c, 0xf0478627],
  ['abc', 0x9747b28c, 0xc84a62dd],
  ['ab', 0x9747b28c, 0x74875592],
  ['Hello, world!', 0x9747b28c, 0x24884cba],
  ['ππππππππ', 0x9747b28c, 0xd58063c1],
];
for (const [input, seed, expected] of REFERENCE) {
  const bytes = utf8(input);
  const own = murmur3(bytes, seed);
  const pkg = murmurhash.v3(bytes, seed);
  if (own !== expected || pkg !== expected) {
    throw new Error(
      `reference vector ${JSON.stringify(input)} seed ${seed}: expected ${expected}, got ${own} / ${pkg}`,
    );
  }
}

/** docs/evaluation.md §6 step 2: the hash input. */
function hashInput(v) {
  return v.seed === undefined ? `${v.flagKey}.${v.salt}.${v.value}` : `${String(v.seed)}.${v.value}`;
}

/** §6 step 4: floor(h × 100000 / 2^32), exact in doubles. */
function bucketOf(h) {
  return Math.floor((h * 100000) / 4294967296);
}

const users = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

// Inputs. The first six are the worked vectors of docs/evaluation.md §6. Later groups are the
// buckets that the rollout and segment cases in cases/*.json rely on (their test names quote them).
const INPUTS = [
  // Worked vectors.
  { flagKey: 'checkout-redesign', salt: '', value: 'user-1' },
  { flagKey: 'checkout-redesign', salt: '2024-q3', value: 'user-1' },
  { flagKey: 'checkout-redesign', salt: '', seed: 42, value: 'user-1' },
  { flagKey: 'checkout-redesign', salt: '', value: '' },
  { flagKey: 'checkout-redesign', salt: '', value: 'ünïcödé' },
  { flagKey: 'checkout-redesign', salt: '', value: '😀' },

  // ASCII basics.
  { flagKey: 'checkout-redesign', salt: '', value: 'user-2' },
  { flagKey: 'checkout-redesign', salt: '', value: 'user-3' },
  { flagKey: 'new-search', salt: '', value: 'user-1' },
  { flagKey: 'new-search', salt: 'salt', value: 'user-1' },
  { flagKey: 'a', salt: 'b', value: 'c' },
  { flagKey: 'x', salt: '', value: '' },
  { flagKey: 'flag.with.dots', salt: 'salt.with.dots', value: 'value.with.dots' },
  { flagKey: 'flag', salt: 'with space', value: 'user with spaces' },
  { flagKey: 'checkout-redesign', salt: '', value: 'USER-1' },

  // Integers as decimal strings (§6 step 1).
  { flagKey: 'checkout-redesign', salt: '', value: '42' },
  { flagKey: 'checkout-redesign', salt: '', value: '-7' },
  { flagKey: 'checkout-redesign', salt: '', value: '0' },
  { flagKey: 'checkout-redesign', salt: '', value: '9007199254740991' },
  { flagKey: 'checkout-redesign', salt: '', value: '-9007199254740991' },

  // Unicode: BMP, combining marks (no normalisation), astral, lone surrogates (→ U+FFFD).
  { flagKey: 'checkout-redesign', salt: '', value: '\u00e9' },
  { flagKey: 'checkout-redesign', salt: '', value: 'e\u0301' },
  { flagKey: 'checkout-redesign', salt: '', value: '日本語' },
  { flagKey: 'checkout-redesign', salt: '', value: '𐐀𐐨' },
  { flagKey: 'checkout-redesign', salt: '', value: '👩‍👩‍👧' },
  { flagKey: 'checkout-redesign', salt: '', value: '\ud800' },
  { flagKey: 'checkout-redesign', salt: '', value: '\ufffd' },
  { flagKey: 'checkout-redesign', salt: '', value: 'a\udc00b' },
  { flagKey: 'checkout-redesign', salt: '', value: 'a\ufffdb' },
  { flagKey: 'checkout-redesign', salt: '', value: '\ude00\ud83d' },
  { flagKey: 'ключ', salt: 'соль', value: 'значение' },
  { flagKey: '🚩', salt: '🧂', value: '🙂' },

  // Seeded: the flag key and salt are not part of the input, so these share buckets in pairs.
  { flagKey: 'checkout-redesign', salt: '', seed: 42, value: 'user-2' },
  { flagKey: 'new-search', salt: 'other', seed: 42, value: 'user-1' },
  { flagKey: 'any', salt: '', seed: 0, value: 'user-1' },
  { flagKey: 'any', salt: '', seed: -1, value: 'user-1' },
  { flagKey: 'any', salt: '', seed: 9007199254740991, value: 'user-1' },
  { flagKey: 'any', salt: '', seed: -9007199254740991, value: 'user-1' },
  { flagKey: 'any', salt: '', seed: 42, value: '' },
  { flagKey: 'any', salt: '', seed: 42, value: '😀' },

  // Segment form (segmentKey.salt.value): flagKey holds the segment key.
  { flagKey: 'beta-testers', salt: '', value: 'user-1' },
  { flagKey: 'beta-testers', salt: 'seg-salt', value: 'user-1' },

  // rollouts.json: flag "rollout-5050" (salt "").
  ...[...users('user-', 8), ''].map((value) => ({
    flagKey: 'rollout-5050',
    salt: '',
    value,
  })),
  // rollouts.json: flag "rollout-unicode" (salt "").
  ...['ünïcödé', '😀', '\u00e9', 'e\u0301', '𐐀', '𐐨'].map((value) => ({
    flagKey: 'rollout-unicode',
    salt: '',
    value,
  })),
  // rollouts.json: flag "rollout-salted" (salt "pepper").
  ...users('user-', 4).map((value) => ({ flagKey: 'rollout-salted', salt: 'pepper', value })),
  // rollouts.json: flag "rollout-3way" (salt "exp-2024").
  ...['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'].map((value) => ({
    flagKey: 'rollout-3way',
    salt: 'exp-2024',
    value,
  })),
  // rollouts.json: flag "rollout-zero-first".
  ...users('user-', 6).map((value) => ({ flagKey: 'rollout-zero-first', salt: '', value })),
  // rollouts.json: flag "rollout-almost-all".
  ...users('user-', 2).map((value) => ({ flagKey: 'rollout-almost-all', salt: '', value })),
  // rollouts.json: flag "rollout-by-org" (bucketBy orgId), values are attribute values.
  ...['acme', 'globex', '42', '-7'].map((value) => ({ flagKey: 'rollout-by-org', salt: '', value })),
  // rollouts.json: flag "rollout-by-pointer" (bucketBy /org/id).
  ...['acme', 'initech'].map((value) => ({ flagKey: 'rollout-by-pointer', salt: '', value })),
  // rollouts.json: flag "rollout-by-key" (explicit bucketBy "key").
  ...users('user-', 2).map((value) => ({ flagKey: 'rollout-by-key', salt: '', value })),
  // rollouts.json: seeded flags "seeded-a"/"seeded-b" (seed 12345), "seed-zero", "seed-negative".
  ...users('user-', 4).map((value) => ({ flagKey: 'seeded-a', salt: 'x', seed: 12345, value })),
  ...users('user-', 2).map((value) => ({ flagKey: 'seed-zero', salt: '', seed: 0, value })),
  ...users('user-', 2).map((value) => ({ flagKey: 'seed-negative', salt: '', seed: -3, value })),
  // rollouts.json: boundary flags "edge-at"/"edge-above" (seed 777).
  { flagKey: 'edge-at', salt: '', seed: 777, value: 'edge-user' },
  // rollouts.json / rules-and-fallthrough.json: flag "rule-rollout" (salt "r").
  ...users('user-', 4).map((value) => ({ flagKey: 'rule-rollout', salt: 'r', value })),
  // segments.json: segment "seg-weighted" (salt "seg-salt"), "seg-weighted-team" (bucketBy team).
  ...users('user-', 6).map((value) => ({ flagKey: 'seg-weighted', salt: 'seg-salt', value })),
  ...['red', 'blue', 'green', 'gold'].map((value) => ({ flagKey: 'seg-weighted-team', salt: '', value })),
];

const vectors = INPUTS.map((v) => {
  const h = hash(hashInput(v));
  const out = { flagKey: v.flagKey, salt: v.salt };
  if (v.seed !== undefined) out.seed = v.seed;
  out.value = v.value;
  out.bucket = bucketOf(h);
  out.hash = h;
  return out;
});

const seen = new Set();
for (const v of vectors) {
  const id = JSON.stringify([v.flagKey, v.salt, v.seed, v.value]);
  if (seen.has(id)) throw new Error(`duplicate vector ${id}`);
  seen.add(id);
}

/** Writes combining marks, joiners and U+FFFD as \u escapes so that the file reads unambiguously. */
function escapeInvisible(text) {
  return text.replace(
    /[\u0300-\u036f\u200b-\u200f\ufffd]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const json = `{\n  "description": ${JSON.stringify(
  'Bucket numbers per docs/evaluation.md §6, generated by scripts/generate-bucket-vectors.mjs (do not edit). ' +
    'Hash input: flagKey + "." + salt + "." + value, or String(seed) + "." + value when seed is present ' +
    '(flagKey and salt are then ignored). Segment vectors use the segment key as flagKey. ' +
    'hash = MurmurHash3 x86 32-bit (seed 0) of the UTF-8 bytes of the input; bucket = floor(hash * 100000 / 2^32).',
)},\n  "vectors": [\n${vectors.map((v) => `    ${escapeInvisible(JSON.stringify(v))}`).join(',\n')}\n  ]\n}\n`;

if (process.argv.includes('--check')) {
  const current = readFileSync(OUT, 'utf8');
  if (current !== json) {
    console.error('cases/bucketing.json is out of date: run node scripts/generate-bucket-vectors.mjs');
    process.exit(1);
  }
  console.log(`cases/bucketing.json is up to date (${vectors.length} vectors)`);
} else {
  writeFileSync(OUT, json);
  console.log(`wrote ${vectors.length} vectors to cases/bucketing.json\n`);
  const cell = (s) => (s === '' ? '`""`' : `\`${JSON.stringify(s).slice(1, -1)}\``);
  console.log('| flag key | salt | seed | value | hash input | h | bucket |');
  console.log('|---|---|---|---|---|---|---|');
  for (const v of vectors.slice(0, 6)) {
    console.log(
      `| ${cell(v.flagKey)} | ${cell(v.salt)} | ${v.seed ?? ''} | ${cell(v.value)} | ${cell(hashInput(v))} | ${v.hash} | ${v.bucket} |`,
    );
  }
}
