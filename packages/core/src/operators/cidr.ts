/**
 * IP addresses and CIDR blocks for the `cidr` operator (docs/evaluation.md §5.4).
 * Addresses are parsed by hand into a module-level scratch array, so matching allocates nothing (not
 * even a boxed number: IPv4 addresses live in two 16-bit words until compared).
 * @module
 */

/** A parsed block; opaque to callers (its members are an implementation detail). */
export interface CidrBlock {
  /** Address family: 4 (IPv4, including IPv4-mapped IPv6) or 6. */
  readonly f: 4 | 6;
  /** Prefix length within the family (0–32 or 0–128). */
  readonly p: number;
  /** IPv4: network mask as an int32 (0 for IPv6). */
  readonly m: number;
  /** IPv4: network address as an int32, host bits cleared (0 for IPv6). */
  readonly n: number;
  /** IPv6: the eight 16-bit words of the network address, host bits cleared (empty for IPv4). */
  readonly w: Uint16Array;
}

/** Scratch result of {@link ip}: the eight IPv6 words; an IPv4 address is in words 6 and 7. */
const W = new Uint16Array(8);
/**
 * The code unit at `i`, or -1 past the end. (`charCodeAt` would return NaN there, and V8 then
 * deoptimises and boxes it: an allocation per call.)
 */
const code = (s: string, i: number): number => (i < s.length ? s.charCodeAt(i) : -1);
/** The IPv4 address in the scratch words, as an int32. */
const v4Bits = (): number => (W[6]! << 16) | W[7]!;

/** The value of hex digit `c` (a UTF-16 code unit, or -1), or -1. */
const hex = (c: number): number => {
  const l = c | 32; // ASCII lower case
  return c >= 48 && c <= 57 ? c - 48 : l >= 97 && l <= 102 ? l - 87 : -1;
};

/** Parses `s` from index `i` to its end as a dotted quad into `W[at]` and `W[at + 1]`; false if invalid. */
function v4(s: string, i: number, at: number): boolean {
  for (let k = 0; k < 4; k++) {
    if (k && code(s, i++) !== 46) return false;
    const st = i;
    let n = 0;
    for (let c = code(s, i) - 48; c >= 0 && c <= 9 && i - st < 3; c = code(s, ++i) - 48) {
      n = n * 10 + c;
    }
    // 1–3 digits, at most 255, no leading zero
    if (i === st || n > 255 || (i - st > 1 && code(s, st) === 48)) return false;
    const j = at + (k >> 1);
    W[j] = k & 1 ? W[j]! * 256 + n : n;
  }
  return i === s.length;
}

/** Parses `s` as an RFC 4291 IPv6 address into {@link W}; false if invalid. */
function v6(s: string): boolean {
  let i = 0;
  let n = 0; // words written
  let gap = -1; // index in W where `::` stands
  if (code(s, 0) === 58) {
    if (code(s, 1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < s.length) {
    if (n === 8) return false;
    const st = i;
    let v = 0;
    for (let h = hex(code(s, i)); h >= 0 && i - st < 4; h = hex(code(s, ++i))) {
      v = v * 16 + h;
    }
    if (i === st) return false;
    if (code(s, i) === 46) {
      // a trailing dotted quad fills two words and ends the address
      if (n > 6 || !v4(s, st, n)) return false;
      n += 2;
      break;
    }
    W[n++] = v;
    if (i === s.length) break;
    if (code(s, i++) !== 58) return false;
    if (code(s, i) === 58) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    } else if (i === s.length) return false; // trailing single ':'
  }
  if (gap < 0) return n === 8;
  if (n === 8) return false; // `::` must stand for at least one zero word
  W.copyWithin(gap + 8 - n, gap, n);
  W.fill(0, gap, gap + 8 - n);
  return true;
}

/**
 * Parses an address into {@link W}: 4 for IPv4, 5 for IPv4-mapped IPv6 (`::ffff:0:0/96` in any text
 * form; its IPv4 address is in words 6 and 7 like a plain one), 6 for other IPv6, 0 if invalid.
 */
function ip(s: string): number {
  if (v4(s, 0, 6)) return 4;
  if (!v6(s)) return 0;
  return W[0]! | W[1]! | W[2]! | W[3]! | W[4]! || W[5] !== 0xffff ? 6 : 5;
}

/** The bits of 16-bit word `k` that a prefix of `p` bits covers. */
const wordMask = (p: number, k: number): number => {
  const b = p - 16 * k;
  return b >= 16 ? 0xffff : b > 0 ? (0xffff << (16 - b)) & 0xffff : 0;
};

/**
 * Parses a clause value per docs/evaluation.md §5.4: `address/prefix` or a bare address (a single-host
 * block). The prefix is decimal without leading zeros, 0–32 for IPv4 and 0–128 for IPv6. An
 * IPv4-mapped IPv6 block (`::ffff:a.b.c.d/p`) is an IPv4 block of prefix `p - 96`, so `p` must be
 * at least 96. Host bits are ignored (`10.1.2.3/8` = `10.0.0.0/8`). Zone indexes are rejected.
 *
 * @returns the block, or `undefined` if `input` is not a valid block. Never throws for a string.
 */
export function parseCidr(input: string): CidrBlock | undefined {
  const slash = input.indexOf('/');
  const t = ip(slash < 0 ? input : input.slice(0, slash));
  if (!t) return undefined;
  const max = t === 4 ? 32 : 128;
  const ps = input.slice(slash + 1);
  let p = slash < 0 ? max : /^(?:0|[1-9]\d{0,2})$/.test(ps) ? +ps : -1;
  if (p > max) return undefined;
  if (t === 5) p -= 96; // a mapped block: 96–128 → an IPv4 prefix 0–32
  if (p < 0) return undefined;
  if (t === 6) {
    const w = W.map((x, k) => x & wordMask(p, k));
    return { f: 6, p, m: 0, n: 0, w };
  }
  const m = p && -1 << (32 - p); // `<< 32` would be `<< 0`
  return { f: 4, p, m, n: v4Bits() & m, w: new Uint16Array(0) };
}

/**
 * Whether `address` (an IPv4 or IPv6 address string, §5.4; IPv4-mapped IPv6 counts as IPv4) parses
 * and lies inside `block`. An address never matches a block of the other family. Allocates nothing.
 *
 * @returns false for anything that is not an address string. Never throws.
 */
export function cidrContains(block: CidrBlock, address: unknown): boolean {
  if (typeof address !== 'string') return false;
  const t = ip(address);
  if (!t || (t === 6) !== (block.f === 6)) return false;
  if (t !== 6) return (v4Bits() & block.m) === block.n;
  for (let k = 0; k < 8; k++) if ((W[k]! & wordMask(block.p, k)) !== block.w[k]) return false;
  return true;
}
