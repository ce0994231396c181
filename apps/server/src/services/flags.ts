/**
 * The flag domain: definitions (project level) and their configs (per environment). Owns the rules
 * the store does not know: a config must compile and agree with its definition, new flags start OFF
 * everywhere, small edits are read-modify-writes that never lose a concurrent change.
 * Throws `ApiError` for what the client got wrong and lets `StoreError` through (translated at the edge).
 */
import type { Flag, JsonValue, Serve, Target } from '@ensign/core';
import { flagSchema } from '@ensign/core/schema';
import { ApiError, type Issue } from '../http/api-error.js';
import type {
  Environment,
  FlagDefinition,
  NewFlagDefinition,
  Project,
  Revision,
  Store,
} from '../store/store.js';
import { StoreError } from '../store/store-error.js';

/** A flag config as written: the core `Flag` without the fields the store assigns. */
export type FlagConfigBody = Omit<Flag, 'key' | 'version'>;

/** Who writes, and why. */
export interface WriteContext {
  actor: string;
  comment?: string;
}

/** How many times a small edit without `If-Match` re-reads and retries after a concurrent write. */
const maxRetries = 10;

export async function requireProject(store: Store, key: string): Promise<Project> {
  const project = await store.getProject(key);
  if (project === undefined) throw new ApiError(404, 'not_found', `project "${key}" does not exist`);
  return project;
}

export async function requireEnvironment(store: Store, project: Project, key: string): Promise<Environment> {
  const env = await store.getEnvironment(project.id, key);
  if (env === undefined)
    throw new ApiError(404, 'not_found', `environment "${key}" does not exist in project "${project.key}"`);
  return env;
}

export async function requireFlag(store: Store, project: Project, key: string): Promise<FlagDefinition> {
  const flag = await store.getFlag(project.id, key);
  if (flag === undefined)
    throw new ApiError(404, 'not_found', `flag "${key}" does not exist in project "${project.key}"`);
  return flag;
}

export async function requireFlagConfig(store: Store, env: Environment, key: string): Promise<Flag> {
  const config = await store.getFlagConfig(env.id, key);
  if (config === undefined)
    throw new ApiError(404, 'not_found', `flag "${key}" has no config in environment "${env.key}"`);
  return config;
}

/**
 * The config every environment gets when a flag is created: OFF, serving the off variation, and
 * falling through to that same variation, so switching it on changes nothing until someone
 * configures who gets what. The off variation is `false` for boolean flags, otherwise the first.
 */
export function initialConfig(def: Pick<FlagDefinition, 'type' | 'variations'>): FlagConfigBody {
  const falseIndex = def.type === 'boolean' ? def.variations.indexOf(false) : -1;
  const offVariation = Math.max(falseIndex, 0);
  return {
    type: def.type,
    on: false,
    variations: def.variations,
    offVariation,
    fallthrough: { variation: offVariation },
  };
}

/**
 * Creates the definition, then an initial OFF config in every environment (one commit each, so
 * each environment's revision rises by exactly one). Variations are checked by the core compiler.
 */
export async function createFlag(
  store: Store,
  project: Project,
  input: NewFlagDefinition,
  by: WriteContext,
): Promise<{ flag: FlagDefinition; configs: Array<{ environment: Environment; config: Flag }> }> {
  checkCompiles({ ...initialConfig(input), key: input.key, version: 1 }, (path) =>
    path.startsWith('variations') ? path : 'variations',
  );
  const flag = await store.createFlag(project.id, input, by);
  const configs: Array<{ environment: Environment; config: Flag }> = [];
  for (const environment of await store.listEnvironments(project.id)) {
    const config = await writeConfig(store, environment, flag.key, initialConfig(flag), 0, by);
    configs.push({ environment, config });
  }
  return { flag, configs };
}

/** Per environment: whether the flag is on and its config version (null = no config there). */
export async function configSummaries(store: Store, project: Project, key: string) {
  const envs = await store.listEnvironments(project.id);
  return Promise.all(
    envs.map(async (env) => {
      const config = await store.getFlagConfig(env.id, key);
      return {
        environment: env.key,
        on: config?.on ?? null,
        version: config?.version ?? null,
        environmentRevision: env.revision,
      };
    }),
  );
}

/**
 * Replaces a config (already shape- and compile-checked by the route's `flagSchema`). Its key must
 * be the flag's, and type and variations must be the definition's. `ifVersion` is required.
 */
export async function replaceConfig(
  store: Store,
  env: Environment,
  def: FlagDefinition,
  body: Flag,
  ifVersion: number,
  by: WriteContext,
): Promise<Flag> {
  const issues: Issue[] = [];
  if (body.key !== def.key)
    issues.push({ path: 'key', message: `must be "${def.key}" (the flag in the URL)` });
  issues.push(...agreementIssues(def, body));
  if (issues.length > 0)
    throw new ApiError(422, 'invalid_body', 'The config does not fit the flag', { issues });
  const { key: _key, version: _version, ...config } = body;
  return writeConfig(store, env, def.key, config, ifVersion, by);
}

/** Turns the flag on or off. */
export function toggle(
  store: Store,
  env: Environment,
  key: string,
  on: boolean,
  ifVersion: number | undefined,
  by: WriteContext,
): Promise<Flag> {
  return editConfig(store, env, key, ifVersion, by, (config) => ({ ...config, on }));
}

/** Replaces what contexts that match no target and no rule get; validated by the compiler. */
export function setFallthrough(
  store: Store,
  env: Environment,
  key: string,
  fallthrough: Serve,
  ifVersion: number | undefined,
  by: WriteContext,
): Promise<Flag> {
  return editConfig(store, env, key, ifVersion, by, (config) => {
    const next = { ...config, fallthrough };
    checkCompiles({ ...next, key, version: 1 }, (path) => path.replace(/^fallthrough\.?/, ''));
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
  key: string,
  edit: { variation: number; add?: string[]; remove?: string[] },
  ifVersion: number | undefined,
  by: WriteContext,
): Promise<Flag> {
  return editConfig(store, env, key, ifVersion, by, (config) => {
    if (edit.variation >= config.variations.length) {
      throw new ApiError(422, 'invalid_body', 'The request body is invalid', {
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

/** The revisions of a flag's config in one environment, newest first. */
export async function listConfigRevisions(
  store: Store,
  env: Environment,
  key: string,
  page: { limit: number; beforeVersion?: number },
): Promise<Revision[]> {
  return store.listRevisions({
    projectId: env.projectId,
    environmentId: env.id,
    entityKind: 'flag_config',
    entityKey: key,
    limit: page.limit,
    ...(page.beforeVersion !== undefined && { beforeVersion: page.beforeVersion }),
  });
}

export async function getConfigRevision(
  store: Store,
  env: Environment,
  key: string,
  version: number,
): Promise<Revision> {
  const [revision] = await store.listRevisions({
    projectId: env.projectId,
    environmentId: env.id,
    entityKind: 'flag_config',
    entityKey: key,
    version,
    limit: 1,
  });
  if (revision === undefined)
    throw new ApiError(
      404,
      'not_found',
      `flag "${key}" has no version ${version} in environment "${env.key}"`,
    );
  return revision;
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
  const revision = await getConfigRevision(store, env, def.key, version);
  if (revision.after === null)
    throw new ApiError(422, 'invalid_body', `version ${version} is a deletion and cannot be restored`);
  const { key: _key, version: _version, ...config } = revision.after as unknown as Flag;
  const issues = agreementIssues(def, config);
  if (issues.length > 0)
    throw new ApiError(422, 'invalid_body', `version ${version} no longer fits the flag's definition`, {
      issues,
    });
  return editConfig(
    store,
    env,
    def.key,
    ifVersion,
    { ...by, comment: by.comment ?? `revert to version ${version}` },
    () => config,
  );
}

function agreementIssues(def: FlagDefinition, config: FlagConfigBody): Issue[] {
  const issues: Issue[] = [];
  if (config.type !== def.type)
    issues.push({ path: 'type', message: `must be "${def.type}" (the flag's type)` });
  if (JSON.stringify(config.variations) !== JSON.stringify(def.variations))
    issues.push({ path: 'variations', message: "must equal the flag's variations" });
  return issues;
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
  key: string,
  ifVersion: number | undefined,
  by: WriteContext,
  edit: (config: FlagConfigBody) => FlagConfigBody,
): Promise<Flag> {
  for (let attempt = 0; ; attempt++) {
    const { key: _key, version, ...config } = await requireFlagConfig(store, env, key);
    if (ifVersion !== undefined && ifVersion !== version) {
      throw new StoreError('version_mismatch', `flag "${key}" is at version ${version}, not ${ifVersion}`, {
        currentVersion: version,
      });
    }
    try {
      return await writeConfig(store, env, key, edit(config), version, by);
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
): Promise<Flag> {
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
function checkCompiles(
  config: FlagConfigBody & { key: string; version: number },
  mapPath: (path: string) => string,
): void {
  const result = flagSchema.safeParse(config);
  if (result.success) return;
  throw new ApiError(422, 'invalid_body', 'The request body is invalid', {
    issues: result.error.issues.map((issue) => ({
      path: mapPath(issue.path.map(String).join('.')),
      message: issue.message,
    })),
  });
}

/** A JSON document for a definition in API responses. */
export function definitionJson(flag: FlagDefinition): Record<string, JsonValue> {
  return {
    key: flag.key,
    name: flag.name,
    description: flag.description,
    type: flag.type,
    variations: flag.variations,
    tags: flag.tags,
    owner: flag.owner,
    temporary: flag.temporary,
    archived: flag.archivedAt !== null,
    version: flag.version,
    createdAt: flag.createdAt.toISOString(),
    updatedAt: flag.updatedAt.toISOString(),
  };
}
