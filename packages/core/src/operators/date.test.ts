import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDate } from './date.js';

/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, the RFC 3339 range. */
const FIRST = -62167219200000;
const LAST = 253402300799999;

describe('parseDate', () => {
  it.each([
    ['1970-01-01T00:00:00Z', 0],
    ['1970-01-01', 0],
    ['2024-03-05', Date.UTC(2024, 2, 5)],
    ['2024-03-05T10:20:30Z', Date.UTC(2024, 2, 5, 10, 20, 30)],
    ['2024-03-05t10:20:30z', Date.UTC(2024, 2, 5, 10, 20, 30)],
    ['2024-03-05T10:20:30.1Z', Date.UTC(2024, 2, 5, 10, 20, 30, 100)],
    ['2024-03-05T10:20:30.12Z', Date.UTC(2024, 2, 5, 10, 20, 30, 120)],
    ['2024-03-05T10:20:30.123Z', Date.UTC(2024, 2, 5, 10, 20, 30, 123)],
    ['2024-03-05T10:20:30.1239999999Z', Date.UTC(2024, 2, 5, 10, 20, 30, 123)], // truncated, not rounded
    ['2024-03-05T10:20:30.000000001Z', Date.UTC(2024, 2, 5, 10, 20, 30)],
    ['2024-03-05T10:20:30+02:00', Date.UTC(2024, 2, 5, 8, 20, 30)],
    ['2024-03-05T10:20:30-05:30', Date.UTC(2024, 2, 5, 15, 50, 30)],
    ['2024-03-05T10:20:30+00:00', Date.UTC(2024, 2, 5, 10, 20, 30)],
    ['2024-03-05T10:20:30-00:00', Date.UTC(2024, 2, 5, 10, 20, 30)],
    ['2024-03-05T00:00:00+23:59', Date.UTC(2024, 2, 4, 0, 1)],
    ['2024-03-05T23:59:59-23:59', Date.UTC(2024, 2, 6, 23, 58, 59)],
    ['2024-12-31T23:30:00-01:00', Date.UTC(2025, 0, 1, 0, 30)],
    ['2024-02-29', Date.UTC(2024, 1, 29)], // leap year
    ['2000-02-29', Date.UTC(2000, 1, 29)], // divisible by 400
    ['1600-02-29', Date.UTC(1600, 1, 29)],
    ['2023-02-28', Date.UTC(2023, 1, 28)],
    ['2023-01-31', Date.UTC(2023, 0, 31)],
    ['2023-04-30', Date.UTC(2023, 3, 30)],
    ['2023-12-31', Date.UTC(2023, 11, 31)],
    ['1969-12-31T23:59:59.999Z', -1],
    ['1969-12-31T23:59:59.9999Z', -1], // truncation moves earlier in time, also before the epoch
    ['0000-01-01T00:00:00Z', FIRST], // year 0 is not 1900
    ['0000-02-29', FIRST + 59 * 864e5], // year 0 is a leap year (proleptic Gregorian)
    ['0099-12-31', Date.UTC(2099, 11, 31) - 5 * 146097 * 864e5], // 2000 years = 5 Gregorian cycles,
    ['9999-12-31T23:59:59.999Z', LAST],
    ['9999-12-31T23:59:59.999-23:59', LAST + (23 * 60 + 59) * 60000],
  ])('parses %j', (s, ms) => {
    expect(parseDate(s)).toBe(ms);
  });

  it.each([0, -1, 1.5, 1e15, -8.64e15, 8.64e15, Number.MAX_VALUE, -0])(
    'returns the finite number %d as is',
    (n) => {
      expect(parseDate(n)).toBe(n);
    },
  );

  it.each([
    NaN,
    Infinity,
    -Infinity,
    null,
    undefined,
    true,
    false,
    {},
    [],
    [0],
    new Date(0),
    '',
    '0',
    '1700000000000', // numeric string: not a number
    'yesterday',
    'now',
    '2024-03-05T10:20:30', // no offset
    '2024-03-05T10:20:30.123', // no offset
    '2024-03-05T10:20Z', // no seconds
    '2024-03-05T10:20:30.Z', // empty fraction
    '2024-03-05 10:20:30Z', // space instead of T
    '2024-03-05X10:20:30Z',
    '2024-03-05T',
    '2024-03-05Z', // date with offset
    '2024-03-05T10:20:30+0200', // offset without colon
    '2024-03-05T10:20:30+02', // offset without minutes
    '2024-03-05T10:20:30+2:00',
    '2024-03-05T10:20:30 +02:00',
    '2024-03-05T10:20:30Z ',
    ' 2024-03-05',
    '2024-03-05\n',
    '2024-3-5',
    '24-03-05',
    '+002024-03-05T10:20:30Z', // expanded years (Date#toISOString outside 0000–9999)
    '-000001-01-01T00:00:00.000Z',
    '+010000-01-01T00:00:00.000Z',
    '20240305',
    '20240305T102030Z',
    '2024-W10-2',
    '2024-065', // ordinal date
    '2024/03/05',
    '2024-00-10', // month 0
    '2024-13-10', // month 13
    '2024-01-00', // day 0
    '2024-01-32',
    '2023-02-29', // not a leap year
    '1900-02-29', // divisible by 100, not 400
    '2100-02-29',
    '2024-02-30',
    '2024-04-31',
    '2024-06-31',
    '2024-09-31',
    '2024-11-31',
    '2024-03-05T24:00:00Z', // hour 24
    '2024-03-05T23:60:00Z',
    '2024-03-05T23:59:60Z', // leap second: not accepted
    '2016-12-31T23:59:60Z',
    '2024-03-05T23:59:61Z',
    '2024-03-05T10:20:30+24:00', // offset hour 24
    '2024-03-05T10:20:30+23:60',
    '2024-03-05T10:20:30+99:99',
    'Tue, 05 Mar 2024 10:20:30 GMT', // accepted by Date.parse
    'March 5, 2024',
    '２０２４-03-05', // full-width digits
    '2024-03-05T10:20:30.١Z', // Arabic-Indic digit in the fraction
  ])('rejects %j', (x) => {
    expect(parseDate(x)).toBeUndefined();
  });
});

// --- properties ---------------------------------------------------------------------------------

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const MAX_OFFSET = 23 * 60 + 59; // minutes

describe('date properties', () => {
  it('round-trips Date#toISOString for every instant in 0000–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: FIRST, max: LAST }), (ms) => {
        expect(parseDate(new Date(ms).toISOString())).toBe(ms);
      }),
      { seed: 1970, numRuns: 20000 },
    );
  });

  it('the same instant written with any offset, case and fraction length parses to the same ms', () => {
    const input = fc.record({
      ms: fc.integer({ min: FIRST + 864e5, max: LAST - 864e5 }),
      offset: fc.oneof(
        fc.integer({ min: -MAX_OFFSET, max: MAX_OFFSET }),
        fc.constantFrom(0, 60, -60, 330, -570),
      ),
      lower: fc.boolean(),
      extra: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 6 }),
      negZero: fc.boolean(),
    });
    fc.assert(
      fc.property(input, ({ ms, offset, lower, extra, negZero }) => {
        // Local wall-clock time at that offset, formatted by Date itself.
        const local = new Date(ms + offset * 60000).toISOString().slice(0, 23); // YYYY-MM-DDTHH:MM:SS.mmm
        const a = Math.abs(offset);
        const zone =
          offset === 0 && !negZero
            ? 'Z'
            : `${offset < 0 || (offset === 0 && negZero) ? '-' : '+'}${pad(Math.floor(a / 60), 2)}:${pad(a % 60, 2)}`;
        let s = local + extra + zone;
        if (lower) s = s.toLowerCase();
        expect(parseDate(s), s).toBe(ms);
        // Without a fraction the instant is the whole second (truncated towards the past).
        const whole = (lower ? local.toLowerCase() : local).slice(0, 19) + zone;
        expect(parseDate(whole), whole).toBe(ms - (((ms % 1000) + 1000) % 1000));
      }),
      { seed: 0xda7e, numRuns: 20000 },
    );
  });

  it('validates field ranges exactly (oracle: Date field round-trip)', () => {
    const field = (max: number, w: number) =>
      fc.oneof(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 10 ** w - 1 }));
    const input = fc.tuple(
      fc.oneof(
        fc.integer({ min: 0, max: 9999 }),
        fc.constantFrom(0, 4, 100, 1900, 2000, 2023, 2024, 2100, 9999),
      ),
      field(13, 2),
      field(32, 2),
      field(24, 2),
      field(60, 2),
      field(61, 2),
      field(24, 2),
      field(60, 2),
      fc.boolean(),
    );
    fc.assert(
      fc.property(input, ([y, mo, d, h, mi, s, oh, om, dateOnly]) => {
        const date = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;
        const str = dateOnly
          ? date
          : `${date}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}+${pad(oh, 2)}:${pad(om, 2)}`;
        // Independent oracle: let Date normalise the fields and check nothing overflowed.
        const t = new Date(0);
        t.setUTCFullYear(y, mo - 1, d);
        const dayOk = mo >= 1 && mo <= 12 && d >= 1 && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
        const timeOk = dateOnly || (h < 24 && mi < 60 && s < 60 && oh < 24 && om < 60);
        const expected =
          dayOk && timeOk
            ? t.getTime() + (dateOnly ? 0 : ((h - oh) * 60 + mi - om) * 60 + s) * 1000
            : undefined;
        expect(parseDate(str), str).toBe(expected);
      }),
      { seed: 31, numRuns: 20000 },
    );
  });
});
