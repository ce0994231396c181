/**
 * Checks that an SDK is configured correctly from the values it served to all users: scenario A
 * must serve ON to ≈ 30 % of the DE/FR/NL users and to no one else; scenario B must serve ON
 * (rule 20) to everyone. SDKs hash differently, so which users are ON differs between SDKs; only
 * the fractions are compared.
 */
import { inScenarioACountries, type ScenarioId } from './scenarios.js';
import type { BenchUser } from './users.js';

/** Counts of ON results over one pass through all users. */
export interface Tally {
  users: number;
  on: number;
  /** Users whose country is DE, FR or NL (scenario A's rule); 0 for B. */
  targeted: number;
  targetedOn: number;
  /** Users outside the rule who were served ON: must be 0 for A. */
  untargetedOn: number;
}

/** Accepted share of ON among DE/FR/NL users in scenario A. */
export const IN_COUNTRY_RANGE = { min: 0.28, max: 0.32 } as const;

/** Tallies one pass of `values[i]` (the value served to `users[i]`); ON is `true`. */
export function tally(scenario: ScenarioId, users: readonly BenchUser[], values: readonly unknown[]): Tally {
  const t: Tally = { users: users.length, on: 0, targeted: 0, targetedOn: 0, untargetedOn: 0 };
  users.forEach((user, i) => {
    const on = values[i] === true;
    if (on) t.on++;
    if (scenario === 'a') {
      if (inScenarioACountries(user)) {
        t.targeted++;
        if (on) t.targetedOn++;
      } else if (on) {
        t.untargetedOn++;
      }
    }
  });
  return t;
}

/** The problems with a tally; empty when the configuration is right. */
export function problemsOf(scenario: ScenarioId, t: Tally): string[] {
  const problems: string[] = [];
  if (scenario === 'a') {
    const share = t.targeted === 0 ? 0 : t.targetedOn / t.targeted;
    if (share < IN_COUNTRY_RANGE.min || share > IN_COUNTRY_RANGE.max) {
      problems.push(
        `scenario A served ON to ${percent(share)} of DE/FR/NL users, expected ${percent(IN_COUNTRY_RANGE.min)}–${percent(IN_COUNTRY_RANGE.max)}`,
      );
    }
    if (t.untargetedOn > 0) {
      problems.push(`scenario A served ON to ${t.untargetedOn} users outside DE/FR/NL, expected none`);
    }
  } else if (t.on !== t.users) {
    problems.push(`scenario B served ON (rule 20) to ${t.on} of ${t.users} users, expected all`);
  }
  return problems;
}

/** "30.1 % of DE/FR/NL · 9.0 % overall" for A; "100 % (rule 20)" for B. */
export function describeTally(scenario: ScenarioId, t: Tally): string {
  if (scenario === 'a') {
    return `${percent(t.targetedOn / t.targeted)} of DE/FR/NL · ${percent(t.on / t.users)} overall`;
  }
  return `${percent(t.on / t.users)} ON (rule 20)`;
}

export function percent(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}
