/**
 * What the telemetry report (docs/protocol.md, "Telemetry") fixes: the SDK named in it, and the flag
 * keys the server accepts. Counting and sending live in the client (client.ts), whose closure they
 * share for size.
 */

/** The SDK as reported (kept equal to package.json's version by a test). */
export const SDK = { name: '@ensign/browser', version: '0.1.0' };

/** Flag keys the server accepts: others (a typo in a caller's key) would make it refuse the report. */
export const REPORTED_KEY = /^[a-z0-9][a-z0-9._-]{0,63}$/;
