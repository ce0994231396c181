import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr } from './cidr.js';

const block = (s: string) => {
  const b = parseCidr(s);
  if (!b) throw new Error(`expected ${JSON.stringify(s)} to parse`);
  return b;
};
const inBlock = (b: string, a: unknown): boolean => cidrContains(block(b), a);

describe('parseCidr', () => {
  it.each([
    '0.0.0.0',
    '255.255.255.255',
    '10.0.0.0/8',
    '10.1.2.3/8',
    '0.0.0.0/0',
    '192.168.1.1/32',
    '1.2.3.4/0',
    '::',
    '::/0',
    '::1',
    '::1/128',
    '2001:db8::/32',
    '2001:DB8::/32',
    '2001:0db8:0000:0000:0000:0000:0000:0001',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7::',
    '::2:3:4:5:6:7:8',
    '1::8',
    'fe80::/10',
    'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128',
    '::ffff:192.0.2.1',
    '::ffff:192.0.2.0/120',
    '::ffff:0:0/96',
    '::FFFF:c000:0201',
    '0:0:0:0:0:ffff:192.0.2.1/128',
    '::1.2.3.4', // IPv4-compatible (deprecated): plain IPv6
    '64:ff9b::192.0.2.33/96',
    '1:2:3:4:5:6:1.2.3.4',
    '1::1.2.3.4',
  ])('accepts %j', (s) => {
    expect(parseCidr(s)).toBeDefined();
  });

  it.each([
    '',
    '/',
    '/8',
    '10.0.0.0/',
    '10.0.0.0/33',
    '10.0.0.0/08', // leading zero in the prefix
    '10.0.0.0/00',
    '10.0.0.0/-1',
    '10.0.0.0/+8',
    '10.0.0.0/8/8',
    '10.0.0.0/ 8',
    '10.0.0.0 /8',
    '10.0.0.0/8 ',
    ' 10.0.0.0',
    '10.0.0.0/1000',
    '10.0.0.0/0x8',
    '010.0.0.1', // leading zero in an octet
    '10.00.0.1',
    '10.0.0.01',
    '256.0.0.1',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.',
    '.1.2.3',
    '1..2.3',
    '1.2.3.-4',
    '0x7f.0.0.1',
    '2130706433', // integer form
    '127.1',
    '１.2.3.4', // full-width digit
    '::/129',
    '::1/0128',
    '2001:db8::/32/',
    ':',
    ':::',
    '::::',
    ':1::',
    '1::2:',
    ':1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8:',
    '1::2::3',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8', // `::` standing for no group
    '::1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8::',
    '12345::1',
    '00000::1',
    'g::1',
    '1:2:3:4:5:6:7:1.2.3.4', // dotted quad needs two groups
    '1:2:3:4:5:6:1.2.3.4:8', // dotted quad must be last
    '1::2:3:4:5:6:1.2.3.4',
    '::1.2.3',
    '::01.2.3.4',
    '::256.0.0.1',
    '::ffff:1.2.3.4.5',
    'fe80::1%eth0', // zone index
    'fe80::1%1/64',
    '[::1]',
    '::ffff:10.0.0.0/95', // mapped block needs prefix ≥ 96
    '::ffff:10.0.0.0/64',
    '::ffff:10.0.0.0/0',
    '::ffff:10.0.0.0/129',
  ])('rejects %j', (s) => {
    expect(parseCidr(s)).toBeUndefined();
  });
});

describe('cidrContains', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0', true],
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['10.0.0.0/8', '9.255.255.255', false],
    ['10.1.2.3/8', '10.200.0.1', true], // host bits in the block are ignored
    ['0.0.0.0/0', '1.2.3.4', true],
    ['0.0.0.0/0', '255.255.255.255', true],
    ['0.0.0.0/0', '::1', false], // family mismatch
    ['1.2.3.4/0', '200.0.0.1', true],
    ['192.168.1.1', '192.168.1.1', true],
    ['192.168.1.1', '192.168.1.2', false],
    ['192.168.1.1/32', '192.168.1.1', true],
    ['128.0.0.0/1', '128.0.0.0', true],
    ['128.0.0.0/1', '127.255.255.255', false],
    ['255.255.255.254/31', '255.255.255.255', true],
    ['255.255.255.254/31', '255.255.255.253', false],
    ['10.0.0.0/8', '::ffff:10.1.2.3', true], // mapped attribute counts as IPv4
    ['10.0.0.0/8', '::ffff:a01:203', true],
    ['10.0.0.0/8', '0:0:0:0:0:FFFF:10.1.2.3', true],
    ['10.0.0.0/8', '::ffff:11.1.2.3', false],
    ['::ffff:10.0.0.0/104', '10.9.8.7', true], // mapped block: prefix 104 − 96 = 8
    ['::ffff:10.0.0.0/104', '11.0.0.0', false],
    ['::ffff:10.0.0.0/104', '::ffff:10.9.8.7', true],
    ['::ffff:0:0/96', '1.2.3.4', true], // all of IPv4
    ['::ffff:0:0/96', '::1', false],
    ['::ffff:192.0.2.1', '192.0.2.1', true],
    ['::ffff:192.0.2.1', '192.0.2.2', false],
    ['::/0', '::ffff:1.2.3.4', false], // a mapped address is IPv4, never in an IPv6 block
    ['::/0', '1.2.3.4', false],
    ['::/0', '::', true],
    ['::/0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['::/0', '::1.2.3.4', true], // IPv4-compatible is plain IPv6
    ['::1.2.3.4', '1.2.3.4', false],
    ['::1', '::1', true],
    ['::1', '0:0:0:0:0:0:0:1', true],
    ['::1', '::2', false],
    ['2001:db8::/32', '2001:db8::1', true],
    ['2001:db8::/32', '2001:DB8:FFFF:ffff::', true],
    ['2001:db8::/32', '2001:db9::', false],
    ['2001:db8::/33', '2001:db8:7fff::', true],
    ['2001:db8::/33', '2001:db8:8000::', false],
    ['2001:db8:1234::/36', '2001:db8:1fff::', true], // host bits of the block ignored
    ['2001:db8:1234::/36', '2001:db8:2000::', false],
    ['fe80::/10', 'fe80::1', true],
    ['fe80::/10', 'febf:ffff::', true],
    ['fe80::/10', 'fec0::', false],
    ['fe80::/10', 'fe80::1%eth0', false], // zone index: not an address
    ['2001:db8::1/128', '2001:db8::1', true],
    ['2001:db8::1/128', '2001:db8::2', false],
    ['2001:db8::1/127', '2001:db8::0', true],
    ['2001:db8::/127', '2001:db8::2', false],
    ['2001:db8::/32', '10.0.0.1', false],
    ['10.0.0.0/8', '2001:db8::', false],
  ])('%s contains %j → %s', (b, a, expected) => {
    expect(inBlock(b, a)).toBe(expected);
  });

  it.each([
    '',
    ' 10.0.0.1',
    '10.0.0.1 ',
    '10.0.0.1/32', // a block is not an address
    '010.0.0.1',
    '10.0.0',
    '10.0.0.256',
    '::ffff:10.0.0.1/128',
    '[::ffff:10.0.0.1]',
    'localhost',
  ])('rejects the attribute %j', (a) => {
    expect(inBlock('0.0.0.0/0', a)).toBe(false);
    expect(inBlock('::/0', a)).toBe(false);
  });

  it.each([[undefined], [null], [167772161], [true], [{}], [['10.0.0.1']], [new String('10.0.0.1')]])(
    'rejects the non-string attribute %j',
    (a) => {
      expect(inBlock('0.0.0.0/0', a)).toBe(false);
      expect(inBlock('::/0', a)).toBe(false);
    },
  );

  it('keeps no state between calls', () => {
    const v6 = block('2001:db8::/32');
    const v4 = block('10.0.0.0/8');
    expect(cidrContains(v6, '2001:db8::1')).toBe(true);
    expect(cidrContains(v4, '10.0.0.1')).toBe(true);
    expect(cidrContains(v6, 'x')).toBe(false);
    expect(cidrContains(v4, '::ffff:10.0.0.1')).toBe(true);
    expect(cidrContains(v6, '2001:db8::1')).toBe(true);
    expect(parseCidr('::1')).toBeDefined();
    expect(cidrContains(v6, '2001:db8:1::')).toBe(true);
  });
});

// --- properties ---------------------------------------------------------------------------------

const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const word = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
const words = fc.array(word, { minLength: 8, maxLength: 8 });
const dotted = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** The address as a BigInt of `bits` bits. */
const big = (ws: readonly number[]): bigint => ws.reduce((acc, w) => (acc << 16n) | BigInt(w), 0n);
/** The oracle: do `a` and `b` agree on their first `p` of `bits` bits? */
const samePrefix = (a: bigint, b: bigint, p: number, bits: number): boolean =>
  a >> BigInt(bits - p) === b >> BigInt(bits - p);

/** Full form: eight groups, each 1–4 hex digits (random zero padding and case). */
function fullForm(ws: readonly number[], pads: readonly number[], upper: boolean): string {
  const s = ws.map((w, i) => w.toString(16).padStart(pads[i]! % 5, '0')).join(':');
  return upper ? s.toUpperCase() : s;
}
/** Compressed form: the zero run starting at `at` (if any, length ≥ 1) replaced by `::`. */
function compressed(ws: readonly number[], at: number, len: number, v4tail: boolean): string {
  const groups = ws.map((w) => w.toString(16));
  const tail = v4tail ? [dotted(ws[6]! * 65536 + ws[7]!)] : [];
  if (v4tail) groups.splice(6, 2);
  let end = at;
  while (end < groups.length && end - at < len && ws[end] === 0) end++;
  if (end === at) return [...groups, ...tail].join(':');
  const head = groups.slice(0, at).join(':');
  const rest = [...groups.slice(end), ...tail].join(':');
  return `${head}::${rest}`;
}

describe('cidr properties', () => {
  it('IPv4 containment equals a bit-mask oracle', () => {
    const input = fc.record({
      net: u32,
      p: fc.integer({ min: 0, max: 32 }),
      x: u32,
      // with `share`, the address keeps the block's first k bits, so both outcomes are common
      share: fc.boolean(),
      k: fc.integer({ min: 0, max: 32 }),
    });
    fc.assert(
      fc.property(input, ({ net, p, x, share, k }) => {
        const a = share ? (net ^ Math.floor(x / 2 ** k)) >>> 0 : x;
        const expected = Math.floor(a / 2 ** (32 - p)) === Math.floor(net / 2 ** (32 - p));
        const b = block(`${dotted(net)}/${p}`);
        expect(cidrContains(b, dotted(a))).toBe(expected);
        expect(cidrContains(b, `::ffff:${dotted(a)}`)).toBe(expected);
        expect(cidrContains(b, `::FFFF:${(a >>> 16).toString(16)}:${(a & 0xffff).toString(16)}`)).toBe(
          expected,
        );
        // the same block written as a mapped IPv6 block
        expect(cidrContains(block(`::ffff:${dotted(net)}/${p + 96}`), dotted(a))).toBe(expected);
        expect(parseCidr(`::ffff:${dotted(net)}/${p + 95}`) === undefined).toBe(p === 0);
        expect(parseCidr(`::ffff:${dotted(net)}/${p + 97}`) === undefined).toBe(p === 32);
        expect(cidrContains(b, `64:ff9b::${dotted(a)}`)).toBe(false);
      }),
      { seed: 0xc1d4, numRuns: 20000 },
    );
  });

  it('IPv6 full and compressed forms parse identically', () => {
    const input = fc.record({
      ws: words,
      pads: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      upper: fc.boolean(),
      at: fc.integer({ min: 0, max: 7 }),
      len: fc.integer({ min: 1, max: 8 }),
      v4tail: fc.boolean(),
      p: fc.integer({ min: 0, max: 128 }),
    });
    fc.assert(
      fc.property(input, ({ ws, pads, upper, at, len, v4tail, p }) => {
        const mapped = ws.slice(0, 5).every((w) => w === 0) && ws[5] === 0xffff;
        const full = fullForm(ws, pads, upper);
        const short = compressed(ws, at, len, v4tail);
        expect(isIP(full), full).toBe(6);
        expect(isIP(short), short).toBe(6);
        if (mapped) {
          expect(parseCidr(`${short}/${p}`)).toEqual(p < 96 ? undefined : parseCidr(`${full}/${p}`));
          return;
        }
        expect(parseCidr(short), short).toEqual(parseCidr(full));
        expect(parseCidr(`${short}/${p}`)).toEqual(parseCidr(`${full}/${p}`));
        expect(cidrContains(block(full), short)).toBe(true);
        expect(cidrContains(block(short), full)).toBe(true);
      }),
      { seed: 0x1b6, numRuns: 20000 },
    );
  });

  it('IPv6 containment equals a bit-mask oracle', () => {
    const near = fc.tuple(words, words, fc.integer({ min: 0, max: 128 }));
    fc.assert(
      fc.property(near, fc.boolean(), ([net, other, p], share) => {
        // with `share`, the address copies the block's first bits, so both outcomes are common
        const k = Math.floor(p / 16);
        const addr = share ? [...net.slice(0, k), ...other.slice(k)] : other;
        const isMapped = (ws: number[]) => ws.slice(0, 5).every((w) => w === 0) && ws[5] === 0xffff;
        fc.pre(!isMapped(net) && !isMapped(addr));
        const expected = samePrefix(big(net), big(addr), p, 128);
        expect(
          cidrContains(
            block(`${fullForm(net, [4, 4, 4, 4, 4, 4, 4, 4], false)}/${p}`),
            compressed(addr, 0, 8, false),
          ),
        ).toBe(expected);
      }),
      { seed: 0x6666, numRuns: 20000 },
    );
  });

  it('accepts exactly the addresses node:net accepts (zone indexes aside)', () => {
    const tokens = fc.constantFrom(
      '0',
      '1',
      '00',
      '01',
      '255',
      '256',
      '1000',
      'ffff',
      'FFFF',
      '12345',
      'a',
      'g',
      '.',
      '.',
      ':',
      ':',
      '::',
      '%',
      'eth0',
      ' ',
    );
    const noisy = fc.array(tokens, { maxLength: 16 }).map((t) => t.join(''));
    const mutated = fc
      .tuple(words, fc.boolean(), fc.integer({ min: 0, max: 7 }), fc.nat(), tokens, fc.boolean())
      .map(([ws, tail, at, i, t, del]) => {
        const s = compressed(ws, at, 8, tail);
        const j = i % (s.length + 1);
        return s.slice(0, j) + (del ? '' : t) + s.slice(j + 1);
      });
    const v4 = fc.tuple(u32, fc.nat(), tokens, fc.boolean()).map(([n, i, t, del]) => {
      const s = dotted(n);
      const j = i % (s.length + 1);
      return s.slice(0, j) + (del ? '' : t) + s.slice(j + 1);
    });
    fc.assert(
      fc.property(fc.oneof(noisy, mutated, v4), (s) => {
        const ok = isIP(s) !== 0 && !s.includes('%');
        expect(parseCidr(s) !== undefined, JSON.stringify(s)).toBe(ok);
        expect(cidrContains(block(ok ? s : '::'), s), JSON.stringify(s)).toBe(ok);
      }),
      { seed: 99, numRuns: 20000 },
    );
  });
});
