/**
 * Flag definitions (project level): what a flag is, who owns it, whether it is archived. A new flag
 * starts OFF in every environment, created with its definition in one transaction.
 */
import type { Flag, JsonValue } from '@ensign/core';
import { flagSchema } from '@ensign/core/schema';
import type {
  Environment,
  FlagConfigBody,
  FlagDefinition,
  FlagDefinitionUpdate,
  NewFlagDefinition,
  Project,
  Store,
} from '../store/store.js';
import { DomainError } from './domain-error.js';

/** Who writes, and why. */
export interface WriteContext {
  actor: string;
  comment?: string;
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

/** Creates the definition and an OFF config in every environment, atomically. */
export async function createFlag(
  store: Store,
  project: Project,
  input: NewFlagDefinition,
  by: WriteContext,
): Promise<{ flag: FlagDefinition; configs: Array<{ environment: Environment; config: Flag }> }> {
  const config = initialConfig(input);
  // The variations must be valid values of the type; the core compiler says which one is not.
  const result = flagSchema.safeParse({ ...config, key: input.key, version: 1 });
  if (!result.success) {
    throw new DomainError('invalid', 'invalid_body', 'The request body is invalid', {
      issues: result.error.issues.map((issue) => {
        const path = issue.path.map(String).join('.');
        return { path: path.startsWith('variations') ? path : 'variations', message: issue.message };
      }),
    });
  }
  return store.createFlag(project.id, input, by, config);
}

/** Changes name, description, tags, owner, temporary, or archives / restores (If-Match optional). */
export function updateDefinition(
  store: Store,
  project: Project,
  key: string,
  update: FlagDefinitionUpdate,
  ifVersion: number | undefined,
  by: WriteContext,
): Promise<FlagDefinition> {
  return store.updateFlag(project.id, key, update, {
    ...by,
    ...(ifVersion !== undefined && { ifVersion }),
  });
}

/** Config writes to an archived flag are refused: restore it first. */
export function assertNotArchived(def: FlagDefinition): void {
  if (def.archivedAt !== null) {
    throw new DomainError(
      'conflict',
      'archived',
      `flag "${def.key}" is archived: restore it before changing it`,
    );
  }
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
    archivedAt: flag.archivedAt?.toISOString() ?? null,
    version: flag.version,
    createdAt: flag.createdAt.toISOString(),
    updatedAt: flag.updatedAt.toISOString(),
  };
}
