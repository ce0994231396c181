import { sha256 } from './sha256.js';

/**
 * The hashed form of a context key in a client payload (docs/evaluation.md §9): the first 16 bytes
 * of SHA-256 over the UTF-8 bytes of `salt + ":" + key`, in base64url without padding (22
 * characters). The server writes individual targets and segment `included`/`excluded` lists in
 * this form; an SDK evaluates such a payload with the ruleset option `lookupKey` (`RulesetInit`).
 *
 * @example
 * hashContextKey('prod-3qZ8', 'user-1') // → 'nmxWp6durQxlFFPxe_hDcw'
 * createRulesetWith(basicOperators, { flags, segments, lookupKey: (key) => hashContextKey(salt, key) });
 */
export function hashContextKey(salt: string, key: string): string {
  const h = sha256(`${salt}:${key}`);
  let out = '';
  // 128 bits in 22 six-bit digits; the last digit holds the last 2 bits and 4 zero bits.
  for (let bit = 0; bit < 128; bit += 6) {
    const i = bit >> 5;
    const s = bit & 31;
    const v = ((h[i]! << s) >>> 26) | (s > 26 && i < 3 ? h[i + 1]! >>> (58 - s) : 0);
    // The base64url digit: A–Z, a–z, 0–9, "-", "_" (computed: smaller than the alphabet as a string).
    out += String.fromCharCode(v + (v < 26 ? 65 : v < 52 ? 71 : v < 62 ? -4 : v < 63 ? -17 : 32));
  }
  return out;
}
