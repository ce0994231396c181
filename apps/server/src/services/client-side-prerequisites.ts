/**
 * Client SDKs receive only client-side flags (docs/protocol.md), so a client-side flag whose
 * prerequisite is server-only cannot be evaluated in a browser: it would fail its prerequisite
 * there while passing it on servers. Such configs are refused where they are made: when a flag
 * becomes client-side or changes its prerequisites, they must all be client-side; and a flag that
 * client-side flags depend on cannot stop being client-side.
 *
 * Only a write that changes `clientSide` or `prerequisites` is checked, so that a toggle (a kill
 * switch) is never refused because of data written before this rule.
 */
import type { Environment, FlagConfigBody, Store } from '../store/store.js';
import { DomainError } from './domain-error.js';

export async function checkClientSidePrerequisites(
  store: Store,
  env: Environment,
  key: string,
  config: FlagConfigBody,
  before: FlagConfigBody | undefined,
): Promise<void> {
  const clientSide = config.clientSide === true;
  const wasClientSide = before?.clientSide === true;
  const prerequisites = config.prerequisites ?? [];
  const prerequisitesChanged = JSON.stringify(prerequisites) !== JSON.stringify(before?.prerequisites ?? []);

  if (clientSide && prerequisites.length > 0 && (!wasClientSide || prerequisitesChanged)) {
    const configs = new Map((await store.listFlagConfigs(env.id)).map((f) => [f.key, f]));
    const issues = prerequisites.flatMap((p, i) =>
      configs.get(p.key)?.clientSide === true
        ? []
        : [
            {
              path: `prerequisites.${i}.key`,
              message: `"${p.key}" is not client-side in "${env.key}": client SDKs could not evaluate it`,
            },
          ],
    );
    if (issues.length > 0)
      throw new DomainError(
        'invalid',
        'invalid_body',
        "A client-side flag's prerequisites must be client-side",
        {
          issues,
        },
      );
  }

  if (wasClientSide && !clientSide) {
    const dependents = (await store.listFlagConfigs(env.id)).filter(
      (f) => f.key !== key && f.clientSide === true && (f.prerequisites ?? []).some((p) => p.key === key),
    );
    if (dependents.length > 0)
      throw new DomainError(
        'conflict',
        'prerequisite_of_client_side',
        `client-side flags in "${env.key}" depend on "${key}": it must stay client-side`,
        {
          issues: dependents.map((f) => ({
            path: 'clientSide',
            message: `"${f.key}" has it as a prerequisite`,
          })),
        },
      );
  }
}
