/**
 * A flag's config in one environment: full replace, the small edits teams use most (toggle,
 * fallthrough, a rule's rollout, individual targets), revert and promotion. A config must compile,
 * agree with its definition and only use segments its environment has. Small edits without
 * `If-Match` are read-modify-writes that never lose a concurrent change.
 */
import type { Flag, Serve, Target } from '@ensign/core';
import { flagSchema } from '@ensign/core/schema';
import type { Environment, FlagConfigBody, FlagDefinition, Project, Store } from '../store/store.js';
import { StoreError } from '../store/store-error.js';
import { checkClientSidePrerequisites } from './client-side-prerequisites.js';
import { DomainError, type Issue } from './domain-error.js';
import { assertNotArchived, type WriteContext } from './flag-definitions.js';
import { requireFlagConfig } from './lookup.js';
import { requireRevision } from './revisions.js';
import { missingSegmentIssues } from './segment-references.js';

/** How many times a small edit without `If-Match` re-reads and retries after a concurrent write. */
const maxRetries = 10;

/** A config as sent in a PUT body: `key` and `version` may be omitted (the URL and If-Match say them). */
export type ConfigDocument = FlagConfigBody & { key?: string; version?: number };

/**
 * Replaces a config. Its key (if sent) must be the flag's; type and variations must be the
 * definition's; every segment it uses must exist here. `ifVersion` (If-Match) is required.
 */
export async function replaceConfig(
  store: Store,
  env: Environment,
  def: FlagDefinition,
  body: ConfigDocument,
  ifVersion: number,
  by: WriteContext,
): Promise<Flag> {
  const { key, version: _version, ...config } = body;
  const issues: Issue[] = [];
  if (key !== undefined && key !== def.key)
    issues.push({ path: 'key', message: `must be "${def.key}" (the flag in the URL)` });
  issues.push(...agreementIssues(def, config));
  if (issues.length > 0)
    throw new DomainError('invalid', 'invalid_body', 'The config does not fit the flag', { issues });
  checkCompiles(def.key, config, (path) => path);
  await checkSegments(store, env, config);
  assertNotArchived(def);
  const current = await store.getFlagConfig(env.id, def.key);
  return writeConfig(store, env, def.key, config, ifVersion, by, current);
}

/** Turns the flag on or off. */
export function toggle(
  store: Store,
  env: Environment,
  def: FlagDefinition,
  on: boolean,
  ifVersion: number | undefined,
  by: WriteContext,
): Promise<Flag> {
  return editConfig(store, env, def, ifVersion, by, (config) => ({ ...config, on }));
}

/** Replaces what contexts that match no target and no rule get; validated by the compiler. */
export function setFallthrough(
  store: Store,
  env: Environment,
  def: FlagDefinition,
  fallthrough: Serve,
  ifVersion: number | undefined,
  by: WriteContext,
): Promise<Flag> {
  return editConfig(store, env, def, ifVersion, by, (config) => {
    const next = { ...config, fallthrough };
    checkCompiles(def.key, next, (path) => path.replace(/^fallthrough\.?/, ''));
    return next;
  });
}

/** Replaces what one rule (by its id) serves: a fixed variation, or a percentage rollout / weights. */
export function setRuleServe(
  store: Store,
  env: Environment,
  def: FlagDefinition,
  ruleId: string,
  serve: Serve,
  ifVersion: number | undefined,
  by: WriteContext,
): Promise<Flag> {
  return editConfig(store, env, def, ifVersion, by, (config) => {
    const rules = config.rules ?? [];
    const index = rules.findIndex((rule) => rule.id === ruleId);
    if (index === -1)
      throw new DomainError(
        'not_found',
        'not_found',
        `flag "${def.key}" has no rule "${ruleId}" in environment "${env.key}"`,
      );
    const next = { ...config, rules: rules.map((rule, i) => (i === index ? { ...rule, serve } : rule)) };
    const prefix = new RegExp(`^rules\\.${index}\\.serve\\.?`);
    checkCompiles(def.key, next, (path) => path.replace(prefix, ''));
    return next;
  });
}

/**
 * Adds context keys to the individual targets of `variation` and removes others. A key targets
 * one variation at most, so adding it moves it from any other variation's list; empty lists are dropped.
 */
export function editTargets(
  store: Store,
  env: Environment,
  def: FlagDefinition,
  edit: { variation: number; add?: string[]; remove?: string[] },
  ifVersion: number | undefined,
  by: WriteContext,
): Promise<Flag> {
  return editConfig(store, env, def, ifVersion, by, (config) => {
    if (edit.variation >= config.variations.length) {
      throw new DomainError('invalid', 'invalid_body', 'The request body is invalid', {
        issues: [{ path: 'variation', message: `the flag has ${config.variations.length} variations` }],
      });
    }
    const add = new Set(edit.add ?? []);
    const remove = new Set(edit.remove ?? []);
    const targets: Target[] = [];
    let found = false;
    for (const target of config.targets ?? []) {
      let values = target.values.filter((v) => !add.has(v));
      if (target.variation === edit.variation) {
        found = true;
        values = [...values, ...add].filter((v) => !remove.has(v));
      }
      if (values.length > 0) targets.push({ variation: target.variation, values });
    }
    if (!found) {
      const values = [...add].filter((v) => !remove.has(v));
      if (values.length > 0) targets.push({ variation: edit.variation, values });
    }
    const { targets: _old, ...rest } = config;
    return targets.length > 0 ? { ...rest, targets } : rest;
  });
}

/** Writes a new revision whose config equals the one `version` had (a revert is a change like any other). */
export async function revert(
  store: Store,
  env: Environment,
  def: FlagDefinition,
  version: number,
  ifVersion: number | undefined,
  by: WriteContext,
): Promise<Flag> {
  const revision = await requireRevision(store, env, 'flag_config', def.key, version);
  if (revision.after === null)
    throw new DomainError(
      'invalid',
      'invalid_body',
      `version ${version} is a deletion and cannot be restored`,
    );
  const { key: _key, version: _version, ...config } = revision.after as unknown as Flag;
  const issues = agreementIssues(def, config);
  if (issues.length > 0)
    throw new DomainError(
      'invalid',
      'invalid_body',
      `version ${version} no longer fits the flag's definition`,
      {
        issues,
      },
    );
  await checkSegments(store, env, config);
  return editConfig(
    store,
    env,
    def,
    ifVersion,
    { ...by, comment: by.comment ?? `revert to version ${version}` },
    () => config,
  );
}

/**
 * Copies the flag's config from one environment to another (targets, rules, rollouts, on/off: all
 * of it), as a new revision of the target. Every segment the config uses must exist in the target.
 * `ifVersion` guards the target's config.
 */
export async function promote(
  store: Store,
  project: Project,
  def: FlagDefinition,
  from: Environment,
  to: Environment,
  ifVersion: number | undefined,
  by: WriteContext,
): Promise<{ config: Flag; sourceVersion: number }> {
  if (from.id === to.id)
    throw new DomainError('invalid', 'invalid_body', 'The request body is invalid', {
      issues: [{ path: 'to', message: 'must differ from "from"' }],
    });
  const { key: _key, version: sourceVersion, ...config } = await requireFlagConfig(store, from, def.key);
  const existing = new Set((await store.listSegments(to.id)).map((s) => s.key));
  const missing = missingSegmentIssues(config, existing);
  if (missing.length > 0) {
    throw new DomainError(
      'invalid',
      'missing_segments',
      `The config uses segments that "${to.key}" does not have`,
      {
        issues: missing,
      },
    );
  }
  const comment = by.comment ?? `promoted from ${from.key} (version ${sourceVersion}) in ${project.key}`;
  const written = await editConfig(store, to, def, ifVersion, { ...by, comment }, () => config);
  return { config: written, sourceVersion };
}

function agreementIssues(def: FlagDefinition, config: FlagConfigBody): Issue[] {
  const issues: Issue[] = [];
  if (config.type !== def.type)
    issues.push({ path: 'type', message: `must be "${def.type}" (the flag's type)` });
  if (JSON.stringify(config.variations) !== JSON.stringify(def.variations))
    issues.push({ path: 'variations', message: "must equal the flag's variations" });
  return issues;
}

async function checkSegments(store: Store, env: Environment, config: FlagConfigBody): Promise<void> {
  const existing = new Set((await store.listSegments(env.id)).map((s) => s.key));
  const issues = missingSegmentIssues(config, existing);
  if (issues.length > 0)
    throw new DomainError('invalid', 'invalid_body', 'The config uses segments that do not exist', {
      issues,
    });
}

/**
 * Read-modify-write. With `ifVersion` (the caller's `If-Match`) the edit applies to that version or
 * fails with 412. Without it the edit applies to whatever is current: a concurrent write between the
 * read and the commit is detected by the store's version check and the edit is redone on the new
 * config, so no change is lost.
 */
async function editConfig(
  store: Store,
  env: Environment,
  def: FlagDefinition,
  ifVersion: number | undefined,
  by: WriteContext,
  edit: (config: FlagConfigBody) => FlagConfigBody,
): Promise<Flag> {
  assertNotArchived(def);
  for (let attempt = 0; ; attempt++) {
    const { key: _key, version, ...config } = await requireFlagConfig(store, env, def.key);
    if (ifVersion !== undefined && ifVersion !== version) {
      throw new StoreError(
        'version_mismatch',
        `flag "${def.key}" is at version ${version}, not ${ifVersion}`,
        {
          currentVersion: version,
        },
      );
    }
    try {
      return await writeConfig(store, env, def.key, edit(config), version, by, config);
    } catch (error) {
      const retry = ifVersion === undefined && attempt < maxRetries;
      if (!(retry && error instanceof StoreError && error.code === 'version_mismatch')) throw error;
    }
  }
}

async function writeConfig(
  store: Store,
  env: Environment,
  key: string,
  config: FlagConfigBody,
  ifVersion: number,
  by: WriteContext,
  before: FlagConfigBody | undefined,
): Promise<Flag> {
  await checkClientSidePrerequisites(store, env, key, config, before);
  const result = await store.commit({
    environmentId: env.id,
    actor: by.actor,
    ...(by.comment !== undefined && { comment: by.comment }),
    changes: [{ kind: 'flag', key, config, ifVersion }],
  });
  const version = result.changes[0]!.version;
  return { ...config, key, version } as Flag;
}

/** Runs the core's validation on a whole config; issues are reported at `mapPath(config path)`. */
function checkCompiles(key: string, config: FlagConfigBody, mapPath: (path: string) => string): void {
  const result = flagSchema.safeParse({ ...config, key, version: 1 });
  if (result.success) return;
  throw new DomainError('invalid', 'invalid_body', 'The request body is invalid', {
    issues: result.error.issues.map((issue) => ({
      path: mapPath(issue.path.map(String).join('.')),
      message: issue.message,
    })),
  });
}
