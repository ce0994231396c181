/**
 * Projects and their environments. A new project gets development, staging and production unless
 * told otherwise; a new environment gets an OFF config for every flag the project already has, so
 * every flag is defined everywhere from the start.
 */
import type { Environment, Project, Store } from '../store/store.js';
import { defaultEnvironments } from './bootstrap.js';
import { initialConfig, type WriteContext } from './flag-definitions.js';

export function createProject(
  store: Store,
  input: { key: string; name: string; environments?: Array<{ key: string; name: string }> },
): Promise<Project> {
  return store.createProject({
    key: input.key,
    name: input.name,
    environments: input.environments ?? defaultEnvironments.map((e) => ({ ...e })),
  });
}

export function createEnvironment(
  store: Store,
  project: Project,
  input: { key: string; name: string },
  by: WriteContext,
): Promise<Environment> {
  return store.createEnvironment(project.id, input, by, initialConfig);
}

/** A JSON document for an environment in API responses. */
export function environmentJson(env: Environment) {
  return { key: env.key, name: env.name, revision: env.revision, createdAt: env.createdAt.toISOString() };
}
