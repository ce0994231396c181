/**
 * Patterns for the `matches` operator (docs/evaluation.md §5.1): a safe subset of ECMAScript regular
 * expressions with `u` flag semantics. The parser emits Thompson NFA fragments directly and `test`
 * runs them as a Pike VM: O(states × input length) time, no backtracking, no allocation.
 * @module
 */

/** A compiled pattern. `test` never throws and does not allocate per call (reuse preallocated state arrays). */
export interface Pattern {
  /** True if the pattern matches any substring of `input` (like `RegExp.prototype.test`). */
  test(input: string): boolean;
}

const MAX_LENGTH = 1000;
const MAX_STATES = 10_000;
const MAX_COUNT = 1000;

// Instructions (states), each a flat [op, x, y] triple. CHAR / NCHAR: the code point is (NCHAR: is
// not) in the ranges table[x..y). SPLIT: ε-edges to the states x and y away (relative, so that
// fragments can be copied and shifted). ASSERT: ε-edge to the next state when assertion bit x holds at
// the current position. MATCH: accept.
const CHAR = 0;
const NCHAR = 1;
const SPLIT = 2;
const ASSERT = 3;
const MATCH = 4;

// Assertion bits: `^`, `$`, `\b`, `\B`.
const BOL = 1;
const EOL = 2;
const WB = 4;
const NWB = 8;

// Character sets as sorted [lo, hi] code point pairs.
const DIGIT = [0x30, 0x39];
const WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
// With case-insensitive matching ECMAScript also counts U+017F (ſ) and U+212A (Kelvin sign) as word
// characters, so that `\W` and `\b` agree with `\w`.
const WORD_I = [...WORD, 0x17f, 0x17f, 0x212a, 0x212a];
// ECMAScript WhiteSpace and LineTerminator.
const SPACE = [
  9, 13, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f,
  0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff,
];
const DOT = complement([10, 10, 13, 13, 0x2028, 0x2029]);

const QUANTIFIER = /\{(\d+)(,(\d*))?\}/y;
const BRACED_HEX = /\{0*([\da-f]{1,6})\}/iy;
const GROUP_NAME = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;
const PUNCTUATION = /^[!-/:-@[-`{-~]$/;

/** Sorts and merges [lo, hi] pairs. */
function normalize(r: readonly number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < r.length; i += 2) pairs.push([r[i]!, r[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n && lo <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** The code points not in the sorted, disjoint pairs `r`. */
function complement(r: readonly number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < r.length; i += 2) {
    if (r[i]! > next) out.push(next, r[i]! - 1);
    next = r[i + 1]! + 1;
  }
  if (next <= 0x10ffff) out.push(next, 0x10ffff);
  return out;
}

/**
 * Parses `src` and emits its NFA as flat [op, x, y] triples with relative jumps, ending in MATCH.
 * Character sets are appended to `table`. Throws on anything outside §5.1.
 */
function parse(src: string, ci: boolean, table: number[]): number[] {
  const prog: number[] = [];
  const names = new Set<string>();
  let pos = 0;

  function fail(message: string, at = pos): never {
    throw new Error(`${message} at offset ${at}`);
  }
  /** Inserts instructions at flat index `index`, within the state budget (blaming offset `at`). */
  const put = (index: number, at: number, ...code: number[]): void => {
    if ((prog.length + code.length) / 3 >= MAX_STATES) {
      fail(`pattern needs more than ${MAX_STATES} automaton states`, at);
    }
    prog.splice(index, 0, ...code);
  };
  const set = (r: readonly number[], neg = false): void => {
    const lo = table.length;
    table.push(...normalize(r));
    put(prog.length, pos, neg ? NCHAR : CHAR, lo, table.length);
  };
  const codePoint = (): number => {
    const c = src.codePointAt(pos)!;
    pos += c > 0xffff ? 2 : 1;
    return c;
  };
  const hexAt = (p: number, n: number): number => {
    const h = src.slice(p, p + n);
    return h.length === n && /^[\da-f]+$/i.test(h) ? parseInt(h, 16) : -1;
  };

  function disjunction(): void {
    const start = prog.length;
    alternative();
    while (src[pos] === '|') {
      const at = pos++;
      const mid = prog.length;
      alternative();
      // SPLIT → left | right; the left ends with a jump over the right.
      const right = (prog.length - mid) / 3;
      put(mid, at, SPLIT, right + 1, right + 1);
      put(start, at, SPLIT, 1, (mid - start) / 3 + 2);
    }
  }

  function alternative(): void {
    while (pos < src.length && src[pos] !== '|' && src[pos] !== ')') term();
  }

  function term(): void {
    const c = src[pos];
    const e = c === '\\' ? src[pos + 1] : undefined;
    if (c === '^' || c === '$' || e === 'b' || e === 'B') {
      pos += e ? 2 : 1;
      if (/[*+?{]/.test(src[pos] ?? '')) fail('nothing to repeat');
      put(prog.length, pos, ASSERT, c === '^' ? BOL : c === '$' ? EOL : e === 'b' ? WB : NWB, 0);
      return;
    }
    const start = prog.length;
    atom();
    const at = pos;
    let min = 0;
    let max = -1;
    switch (src[pos]) {
      case '*':
        break;
      case '+':
        min = 1;
        break;
      case '?':
        max = 1;
        break;
      case '{': {
        QUANTIFIER.lastIndex = pos;
        const m = QUANTIFIER.exec(src);
        if (!m) fail('incomplete quantifier');
        min = +m[1]!;
        max = !m[2] ? min : m[3] ? +m[3] : -1;
        if (Math.max(min, max) > MAX_COUNT) fail(`repetition count above ${MAX_COUNT}`);
        if (max >= 0 && min > max) fail('numbers out of order in {} quantifier');
        pos += m[0].length - 1;
        break;
      }
      default:
        return;
    }
    pos++;
    if (src[pos] === '?') pos++; // lazy: same result, as only match / no match is reported
    // Take the atom's code out and lay out copies of it (n states each).
    const body = prog.splice(start);
    const n = body.length / 3;
    const copy = () => put(prog.length, at, ...body);
    for (let i = 1; i < min; i++) copy();
    if (max < 0 && min > 0) {
      // x+: the last copy loops back to its start.
      copy();
      put(prog.length, at, SPLIT, -n, 1);
    } else if (max < 0) {
      // x*: SPLIT → x → back to the SPLIT | out.
      put(prog.length, at, SPLIT, 1, n + 2);
      copy();
      put(prog.length, at, SPLIT, -n - 1, -n - 1);
    } else {
      // x{min,max}: the mandatory copies, then optional ones that may each skip to the end.
      if (min > 0) copy();
      for (let i = min; i < max; i++) {
        put(prog.length, at, SPLIT, 1, (max - i) * (n + 1));
        copy();
      }
    }
  }

  function atom(): void {
    const c = src[pos];
    if (c === '(') group();
    else if (c === '[') charClass();
    else if (c === '.') {
      pos++;
      set(DOT);
    } else if (c === '\\') {
      const e = parseEscape(false);
      set(typeof e === 'number' ? [e, e] : e);
    } else if (c === '{') {
      QUANTIFIER.lastIndex = pos;
      fail(QUANTIFIER.test(src) ? 'nothing to repeat' : "lone '{'");
    } else if (c === '*' || c === '+' || c === '?') fail('nothing to repeat');
    else if (c === ']' || c === '}') fail(`lone '${c}'`);
    else {
      const cp = codePoint();
      set([cp, cp]);
    }
  }

  function group(): void {
    const at = pos++;
    if (src[pos] === '?') {
      const head = src.slice(pos, pos + 3);
      if (head.startsWith('?:')) pos += 2;
      else if (/^\?<?[=!]/.test(head)) fail('look-around assertions are not supported', at);
      else if (head[1] === '<') {
        const end = src.indexOf('>', pos);
        const name = end < 0 ? '' : src.slice(pos + 2, end);
        if (!GROUP_NAME.test(name)) fail('invalid group name', pos + 2);
        if (names.has(name)) fail(`duplicate group name '${name}'`, pos + 2);
        names.add(name);
        pos = end + 1;
      } else fail(/^\?-?[a-z]/i.test(head) ? 'inline flags are not supported' : 'invalid group', at);
    }
    disjunction();
    if (src[pos] !== ')') fail("missing ')'", at);
    pos++;
  }

  function charClass(): void {
    const at = pos++;
    const neg = src[pos] === '^';
    if (neg) pos++;
    const r: number[] = [];
    while (src[pos] !== ']') {
      if (pos >= src.length) fail("missing ']'", at);
      const a = src[pos] === '\\' ? parseEscape(true) : codePoint();
      if (src[pos] === '-' && pos + 1 < src.length && src[pos + 1] !== ']') {
        const dash = pos++;
        const b = src[pos] === '\\' ? parseEscape(true) : codePoint();
        if (typeof a !== 'number' || typeof b !== 'number') fail('class escape in a range', dash);
        if (a > b) fail('range out of order', dash);
        r.push(a, b);
      } else if (typeof a === 'number') r.push(a, a);
      else r.push(...a);
    }
    pos++;
    set(r, neg);
  }

  /** Parses `\…`: a code point, or the ranges of `\d \D \w \W \s \S`. (`\b` `\B` outside a class are assertions.) */
  function parseEscape(inClass: boolean): number | number[] {
    const at = pos++;
    if (pos >= src.length) fail('\\ at end of pattern', at);
    const c = codePoint();
    const ch = String.fromCodePoint(c);
    const invalid = (): never => fail(`invalid escape '${src.slice(at, pos)}'`, at);
    const cls = 'dDwWsS'.indexOf(ch);
    if (cls >= 0) {
      const base = [DIGIT, ci ? WORD_I : WORD, SPACE][cls >> 1]!;
      return cls & 1 ? complement(base) : base;
    }
    const control = 'nrtfv'.indexOf(ch);
    if (control >= 0) return [10, 13, 9, 12, 11][control]!;
    if (ch === 'b' && inClass) return 8;
    if (ch === '0' && !/\d/.test(src[pos] ?? '')) return 0;
    if (ch === 'x') {
      const v = hexAt(pos, 2);
      if (v < 0) invalid();
      pos += 2;
      return v;
    }
    if (ch === 'u') {
      // \u{H…}, \uHHHH, or a surrogate pair written as two \uHHHH.
      BRACED_HEX.lastIndex = pos;
      const m = BRACED_HEX.exec(src);
      const v = m ? parseInt(m[1]!, 16) : hexAt(pos, 4);
      if (v < 0 || v > 0x10ffff) invalid();
      pos += m ? m[0].length : 4;
      const trail = !m && src.startsWith('\\u', pos) ? hexAt(pos + 2, 4) : -1;
      if (v >> 10 !== 0x36 || trail >> 10 !== 0x37) return v;
      pos += 6;
      return 0x10000 + ((v - 0xd800) << 10) + (trail - 0xdc00);
    }
    if (ch === 'p' || ch === 'P') fail('Unicode property escapes are not supported', at);
    if (ch === 'c') fail('control escapes (\\c) are not supported', at);
    if (/[1-9k]/.test(ch) && !inClass) fail('back-references are not supported', at);
    return PUNCTUATION.test(ch) ? c : invalid();
  }

  disjunction();
  if (pos < src.length) fail("unmatched ')'");
  prog.push(MATCH, 0, 0); // `put` keeps room for it
  return prog;
}

// Case mappings of recently seen non-ASCII code points (direct-mapped on the low 8 bits), so that
// case-insensitive matching does not allocate strings in steady state.
const foldKey = new Int32Array(256);
const foldLower = new Int32Array(256);
const foldUpper = new Int32Array(256);

/** `c`'s `toLowerCase()` (or `toUpperCase()`) when that is a single code point, else `c`. */
function caseMap(c: number, upper: boolean): number {
  const s = String.fromCodePoint(c);
  const m = upper ? s.toUpperCase() : s.toLowerCase();
  const d = m.codePointAt(0)!;
  return m.length === (d > 0xffff ? 2 : 1) ? d : c;
}

// Binary search for `c` in the sorted, disjoint [lo, hi] pairs t[from..to); written for speed.
function inSet(t: Int32Array, from: number, to: number, c: number): boolean {
  while (from < to) {
    const m = from + ((to - from) >> 2) * 2;
    if (c < t[m]!) to = m;
    else if (c > t[m + 1]!) from = m + 2;
    else return true;
  }
  return false;
}

/** Compiles `source`; throws Error with a clear message on unsupported or invalid syntax. */
export function compilePattern(source: string, caseInsensitive: boolean): Pattern {
  if (source.length > MAX_LENGTH) {
    throw new Error(`pattern is longer than ${MAX_LENGTH} characters at offset ${MAX_LENGTH}`);
  }
  const ci = caseInsensitive;
  // The range table starts with the word characters, for `\b` / `\B`.
  const list = (ci ? WORD_I : WORD).slice();
  const words = list.length;
  const p = Int32Array.from(parse(source, ci, list));
  const table = Int32Array.from(list);
  // Thread lists (flat indexes of CHAR / NCHAR states), the ε-closure stack, and per-state "visited
  // at step `gen`" marks, all preallocated: each state enters a list at most once per step.
  const n = p.length / 3;
  let cur = new Int32Array(n);
  let next = new Int32Array(n);
  let count = 0;
  const stack = new Int32Array(n + 1);
  const mark = new Int32Array(p.length);
  let gen = 0;

  // Adds the ε-closure of state `start` under assertion bits `bits` to `next`; true if it reaches
  // MATCH. Written for speed.
  const add = (start: number, bits: number): boolean => {
    let sp = 0;
    stack[sp++] = start;
    while (sp > 0) {
      const pc = stack[--sp]!;
      if (mark[pc] === gen) continue;
      mark[pc] = gen;
      const o = p[pc]!;
      if (o <= NCHAR) next[count++] = pc;
      else if (o === SPLIT) {
        stack[sp++] = pc + 3 * p[pc + 2]!;
        stack[sp++] = pc + 3 * p[pc + 1]!;
      } else if (o === ASSERT) {
        if (bits & p[pc + 1]!) stack[sp++] = pc + 3;
      } else return true;
    }
    return false;
  };

  return {
    // Pike VM over the input's code points, a new thread at each position; written for speed.
    test(input: string): boolean {
      if (gen > 0x3fffffff) {
        mark.fill(0);
        gen = 0;
      }
      const len = input.length;
      let i = 0;
      let c = len ? input.codePointAt(0)! : -1;
      let w = inSet(table, 0, words, c);
      gen++;
      count = 0;
      if (add(0, BOL | (len ? 0 : EOL) | (w ? WB : NWB))) return true;
      while (i < len) {
        const live = cur;
        cur = next;
        next = live;
        const threads = count;
        i += c > 0xffff ? 2 : 1;
        const nc = i < len ? input.codePointAt(i)! : -1;
        const nw = inSet(table, 0, words, nc);
        const bits = (i < len ? 0 : EOL) | (w !== nw ? WB : NWB);
        let lc = c;
        let uc = c;
        if (ci) {
          if (c < 0x80) {
            if (c >= 0x41 && c <= 0x5a) lc = c + 32;
            else if (c >= 0x61 && c <= 0x7a) uc = c - 32;
          } else {
            const h = c & 255;
            if (foldKey[h] !== c) {
              foldKey[h] = c;
              foldLower[h] = caseMap(c, false);
              foldUpper[h] = caseMap(c, true);
            }
            lc = foldLower[h]!;
            uc = foldUpper[h]!;
          }
        }
        gen++;
        count = 0;
        for (let k = 0; k < threads; k++) {
          const pc = cur[k]!;
          const lo = p[pc + 1]!;
          const hi = p[pc + 2]!;
          const hit =
            inSet(table, lo, hi, c) ||
            (lc !== c && inSet(table, lo, hi, lc)) ||
            (uc !== c && inSet(table, lo, hi, uc));
          if (hit !== (p[pc] === NCHAR) && add(pc + 3, bits)) return true;
        }
        if (add(0, bits)) return true;
        c = nc;
        w = nw;
      }
      return false;
    },
  };
}
