/**
 * Finding what a URL names, or answering 404 with what was missing. Every service and route resolves
 * its project, environment, flag and segment through these, so the messages are the same everywhere.
 */
import type { Flag, Segment } from '@ensign/core';
import type { Environment, FlagDefinition, Project, Store } from '../store/store.js';
import { DomainError } from './domain-error.js';

/** `value`, or a not_found DomainError saying what is missing. */
function found<T>(value: T | undefined, missing: string): T {
  if (value === undefined) throw new DomainError('not_found', 'not_found', missing);
  return value;
}

export async function requireProject(store: Store, key: string): Promise<Project> {
  return found(await store.getProject(key), `project "${key}" does not exist`);
}

export async function requireEnvironment(store: Store, project: Project, key: string): Promise<Environment> {
  return found(
    await store.getEnvironment(project.id, key),
    `environment "${key}" does not exist in project "${project.key}"`,
  );
}

export async function requireFlag(store: Store, project: Project, key: string): Promise<FlagDefinition> {
  return found(
    await store.getFlag(project.id, key),
    `flag "${key}" does not exist in project "${project.key}"`,
  );
}

export async function requireFlagConfig(store: Store, env: Environment, key: string): Promise<Flag> {
  return found(
    await store.getFlagConfig(env.id, key),
    `flag "${key}" has no config in environment "${env.key}"`,
  );
}

export async function requireSegment(store: Store, env: Environment, key: string): Promise<Segment> {
  return found(
    await store.getSegment(env.id, key),
    `segment "${key}" does not exist in environment "${env.key}"`,
  );
}
