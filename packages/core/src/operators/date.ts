/**
 * Dates for the `before` / `after` operators (docs/evaluation.md §5.2).
 * @module
 */

// YYYY-MM-DD, optionally followed by THH:MM:SS[.fraction] and a mandatory offset (Z or ±HH:MM).
const RE = /^(\d{4})-(\d\d)-(\d\d)(?:[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:[Zz]|([+-])(\d\d):(\d\d)))?$/;
// Date.UTC maps years 0–99 to 1900–1999, so compute 400 years later (the Gregorian calendar repeats
// every 400 years) and subtract them: 146097 days.
const SHIFT = 146097 * 864e5;

/**
 * Epoch milliseconds of a date per docs/evaluation.md §5.2:
 * - a finite number is milliseconds since the Unix epoch and is returned as is;
 * - `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (RFC 3339 date-time with an explicit offset; `T` and
 *   `Z` may be lower-case; years 0000–9999; the fraction may have any number of digits and is
 *   truncated to milliseconds);
 * - `YYYY-MM-DD`, meaning 00:00:00 UTC of that day.
 *
 * Fields are range-checked: month 01–12, day valid for the month (proleptic Gregorian leap years),
 * hour 00–23, minute 00–59, second 00–59 (a leap second `60` is **not** accepted), offset hours
 * 00–23 and minutes 00–59 (`-00:00` is accepted and equals `Z`).
 *
 * @returns the instant in ms since the epoch, or `undefined` for anything else. Never throws.
 */
export function parseDate(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined;
  const m = typeof input === 'string' ? RE.exec(input) : null;
  if (!m) return undefined;
  const n = (i: number): number => +(m[i] ?? 0);
  const y = n(1) + 400;
  const mo = n(2);
  const oh = n(9);
  const om = n(10);
  if (
    mo < 1 ||
    mo > 12 ||
    n(3) < 1 ||
    // days in the month: from the first of this month to the first of the next
    n(3) > (Date.UTC(y, mo, 1) - Date.UTC(y, mo - 1, 1)) / 864e5 ||
    n(4) > 23 ||
    n(5) > 59 ||
    n(6) > 59 ||
    oh > 23 ||
    om > 59
  ) {
    return undefined;
  }
  const ms = +`${m[7] ?? ''}00`.slice(0, 3);
  const offset = (m[8] === '-' ? -60000 : 60000) * (oh * 60 + om);
  return Date.UTC(y, mo - 1, n(3), n(4), n(5), n(6), ms) - SHIFT - offset;
}
