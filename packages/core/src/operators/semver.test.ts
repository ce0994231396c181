import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { compareSemver, parseSemver, type Semver } from './semver.js';

const parse = (s: string): Semver => {
  const v = parseSemver(s);
  if (!v) throw new Error(`expected ${JSON.stringify(s)} to parse`);
  return v;
};
const cmp = (a: string, b: string): number => Math.sign(compareSemver(parse(a), parse(b)));

describe('parseSemver', () => {
  it.each([
    ['0.0.0', 0, 0, 0, []],
    ['1.2.3', 1, 2, 3, []],
    ['10.20.30', 10, 20, 30, []],
    ['2', 2, 0, 0, []],
    ['2.1', 2, 1, 0, []],
    ['2.1-beta', 2, 1, 0, ['beta']],
    ['2-rc.1', 2, 0, 0, ['rc', 1]],
    ['2+build', 2, 0, 0, []],
    ['1.0.0-alpha', 1, 0, 0, ['alpha']],
    ['1.0.0-alpha.1', 1, 0, 0, ['alpha', 1]],
    ['1.0.0-0.3.7', 1, 0, 0, [0, 3, 7]],
    ['1.0.0-x.7.z.92', 1, 0, 0, ['x', 7, 'z', 92]],
    ['1.0.0-x-y-z.--', 1, 0, 0, ['x-y-z', '--']],
    ['1.0.0--', 1, 0, 0, ['-']],
    ['1.0.0-0a', 1, 0, 0, ['0a']],
    ['1.0.0-00a', 1, 0, 0, ['00a']],
    ['1.0.0-a0', 1, 0, 0, ['a0']],
    ['1.0.0-alpha+001', 1, 0, 0, ['alpha']],
    ['1.0.0+20130313144700', 1, 0, 0, []],
    ['1.0.0-beta+exp.sha.5114f85', 1, 0, 0, ['beta']],
    ['1.0.0+21AF26D3----117B344092BD', 1, 0, 0, []],
    ['1.0.0+0.01.-', 1, 0, 0, []],
    ['9007199254740991.9007199254740991.9007199254740991', 2 ** 53 - 1, 2 ** 53 - 1, 2 ** 53 - 1, []],
    ['1.0.0-9007199254740991', 1, 0, 0, [2 ** 53 - 1]],
    ['1.0.0-9007199254740992a', 1, 0, 0, ['9007199254740992a']],
  ])('accepts %j', (s, major, minor, patch, pre) => {
    expect(parseSemver(s)).toEqual({ major, minor, patch, pre });
  });

  it.each([
    '',
    ' ',
    'v1.2.3',
    'V1.2.3',
    '=1.2.3',
    ' 1.2.3',
    '1.2.3 ',
    '1.2.3\n',
    '\t1.2.3',
    '1 .2.3',
    '1.2.3-alpha beta',
    '01.2.3',
    '1.02.3',
    '1.2.03',
    '00',
    '1.2.3-01',
    '1.2.3-alpha.01',
    '1.2.3-00',
    '1.2.3.4',
    '1.',
    '1.2.',
    '.1',
    '1..3',
    '1.2.3-',
    '1.2.3+',
    '1.2.3-a..b',
    '1.2.3-a.',
    '1.2.3+a..b',
    '1.2.3+a.',
    '1.2.3-+a',
    '1.2.3-a_b',
    '1.2.3+a_b',
    '1.2.3-é',
    '1.2.3-alpha+b+c',
    '-1.2.3',
    '+1.2.3',
    '1.x',
    '1.2.x',
    '*',
    'latest',
    '1.2.3-alpha\u0000',
    '１.2.3', // full-width digit
    '1.2.3-٣', // Arabic-Indic digit
    '9007199254740992.0.0',
    '0.9007199254740992.0',
    '0.0.9007199254740992',
    '9007199254740993',
    '99999999999999999999999.0.0',
    '1.0.0-9007199254740992',
    '1.0.0-alpha.99999999999999999999',
  ])('rejects %j', (s) => {
    expect(parseSemver(s)).toBeUndefined();
  });

  it.each([[undefined], [null], [1], [1.2], [true], [{}], [['1.0.0']], [{ major: 1 }]])(
    'rejects non-string %j',
    (x) => {
      expect(parseSemver(x)).toBeUndefined();
    },
  );

  it('treats missing minor/patch as 0', () => {
    expect(parse('2')).toEqual(parse('2.0.0'));
    expect(parse('2.1')).toEqual(parse('2.1.0'));
    expect(parse('2.1-beta')).toEqual(parse('2.1.0-beta'));
    expect(parse('2-beta.1+b')).toEqual(parse('2.0.0-beta.1'));
  });
});

describe('compareSemver', () => {
  it('orders the SemVer 2.0.0 §11 example chain', () => {
    const chain = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '2.0.0',
      '2.1.0',
      '2.1.1',
    ];
    for (let i = 0; i < chain.length; i++) {
      for (let j = 0; j < chain.length; j++) {
        expect(cmp(chain[i]!, chain[j]!), `${chain[i]} vs ${chain[j]}`).toBe(Math.sign(i - j));
      }
    }
  });

  it.each([
    ['1.0.0+a', '1.0.0+b', 0],
    ['1.0.0-rc.1+a', '1.0.0-rc.1', 0],
    ['2', '2.0.0', 0],
    ['2.1-beta', '2.1.0-beta', 0],
    ['1.0.0-2', '1.0.0-10', -1], // numeric, not lexical
    ['1.0.0-a2', '1.0.0-a10', 1], // lexical
    ['1.0.0-999', '1.0.0-a', -1], // numeric < alphanumeric
    ['1.0.0-0a', '1.0.0-1', 1], // "0a" is alphanumeric
    ['1.0.0-Z', '1.0.0-a', -1], // ASCII: upper-case before lower-case
    ['1.0.0--', '1.0.0-0', 1], // "-" is alphanumeric
    ['1.0.0--', '1.0.0-A', -1], // '-' (0x2d) < 'A'
    ['1.0.0-a', '1.0.0-a.0', -1], // longer wins a tie
    ['1.0.0-a.b', '1.0.0-a', 1],
    ['1.0.0-alpha', '1.0.0', -1], // pre-release before release
    ['1.0.0', '1.0.0-alpha', 1],
    ['1.0.0', '0.9.9', 1],
    ['0.10.0', '0.9.0', 1],
    ['0.0.10', '0.0.9', 1],
    ['9007199254740991.0.0', '9007199254740990.0.0', 1],
    ['0.0.0', '9007199254740991.0.0', -1],
    ['1.0.0-9007199254740991', '1.0.0-9007199254740990', 1],
  ])('%s vs %s → %i', (a, b, expected) => {
    expect(cmp(a, b)).toBe(expected);
    expect(cmp(b, a)).toBe(-expected || 0);
  });
});

// --- properties ---------------------------------------------------------------------------------

const num = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) },
  { weight: 2, arbitrary: fc.nat() },
  { weight: 1, arbitrary: fc.maxSafeNat() },
);
const ALNUM = [...'0123456789ABCDEFXYZabcdefxyz-'];
const alnum = fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 1, maxLength: 5 });
const preId = fc.oneof(
  num.map(String),
  alnum.filter((s) => !/^\d+$/.test(s)),
  fc.constantFrom('alpha', 'beta', 'rc', 'a', 'A', '-'),
);
/** Strict SemVer 2.0.0 strings: MAJOR.MINOR.PATCH[-PRE][+BUILD]. */
const strictVersion = fc
  .tuple(
    num,
    num,
    num,
    fc.oneof(fc.constant([]), fc.array(preId, { minLength: 1, maxLength: 4 })),
    fc.array(alnum, { maxLength: 3 }),
  )
  .map(
    ([a, b, c, pre, build]) =>
      `${a}.${b}.${c}${pre.length ? `-${pre.join('.')}` : ''}${build.length ? `+${build.join('.')}` : ''}`,
  );

/**
 * The oracle for acceptance: node-semver in strict mode, minus its leniencies (a leading `v`,
 * surrounding whitespace, pre-release numbers beyond 2^53 − 1), plus ours (a missing minor or patch
 * is appended as `.0` before asking).
 */
function oracleAccepts(s: string): boolean {
  if (/^v/.test(s) || s.trim() !== s) return false;
  const core = s.split(/[-+]/, 1)[0]!;
  const dots = core.split('.').length - 1;
  const full = dots < 2 ? core + '.0'.repeat(2 - dots) + s.slice(core.length) : s;
  const v = semver.parse(full, { loose: false });
  return !!v?.prerelease.every((id) => typeof id === 'number' || !/^\d+$/.test(id));
}

describe('semver properties', () => {
  it('compareSemver agrees with semver.compare on strict versions', () => {
    fc.assert(
      fc.property(strictVersion, strictVersion, (a, b) => {
        expect(semver.valid(a)).toBe(a.replace(/\+.*/, ''));
        expect(cmp(a, b)).toBe(semver.compare(a, b));
        expect(cmp(a, a)).toBe(0);
      }),
      { seed: 0x5e3e7, numRuns: 5000 },
    );
  });

  it('compareSemver agrees with semver.compare on versions sharing a core', () => {
    // Equal cores make the pre-release comparison decide.
    const suffix = strictVersion.map((s) => s.slice(s.search(/[-+]|$/)));
    fc.assert(
      fc.property(suffix, suffix, (x, y) => {
        expect(cmp(`1.2.3${x}`, `1.2.3${y}`)).toBe(semver.compare(`1.2.3${x}`, `1.2.3${y}`));
      }),
      { seed: 42, numRuns: 5000 },
    );
  });

  it('accepts exactly what strict node-semver accepts (modulo documented differences)', () => {
    const tokens = fc.constantFrom(
      '0',
      '1',
      '7',
      '00',
      '01',
      '10',
      '9007199254740991',
      '9007199254740992',
      '99999999999999999999',
      '.',
      '.',
      '.',
      '-',
      '-',
      '+',
      'a',
      'Z',
      'rc',
      'v',
      ' ',
      '\n',
      '_',
      'é',
      '*',
    );
    const noisy = fc.array(tokens, { maxLength: 12 }).map((t) => t.join(''));
    const mutated = fc.tuple(strictVersion, fc.nat(), tokens, fc.boolean()).map(([s, i, t, del]) => {
      const at = i % (s.length + 1);
      return s.slice(0, at) + (del ? '' : t) + s.slice(at + 1);
    });
    const lenient = strictVersion.chain((s) =>
      fc.constantFrom(s, s.replace(/^(\d+\.\d+)\.\d+/, '$1'), s.replace(/^(\d+)\.\d+\.\d+/, '$1')),
    );
    fc.assert(
      fc.property(fc.oneof(noisy, mutated, lenient, strictVersion), (s) => {
        expect(parseSemver(s) !== undefined, JSON.stringify(s)).toBe(oracleAccepts(s));
      }),
      { seed: 20240601, numRuns: 20000 },
    );
  });

  it('a missing minor/patch parses like an explicit 0', () => {
    fc.assert(
      fc.property(strictVersion, (s) => {
        const rest = s.slice(s.search(/[-+]|$/));
        const [major, minor] = s.split(/[-+]/, 1)[0]!.split('.');
        expect(parseSemver(`${major}${rest}`)).toEqual(parseSemver(`${major}.0.0${rest}`));
        expect(parseSemver(`${major}.${minor}${rest}`)).toEqual(parseSemver(`${major}.${minor}.0${rest}`));
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});
