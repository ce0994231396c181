/**
 * Finding what a URL names, or answering 404 with what was missing. Every service and route resolves
 * its project, environment, flag and segment through these, so the messages are the same everywhere.
 */
import type { Flag, Segment } from '@ensign/core';
import type { Environment, FlagDefinition, Project, Store } from '../store/store.js';
import { DomainError } from './domain-error.js';

export async function requireProject(store: Store, key: string): Promise<Project> {
  const project = await store.getProject(key);
  if (project === undefined)
    throw new DomainError('not_found', 'not_found', `project "${key}" does not exist`);
  return project;
}

export async function requireEnvironment(store: Store, project: Project, key: string): Promise<Environment> {
  const env = await store.getEnvironment(project.id, key);
  if (env === undefined)
    throw new DomainError(
      'not_found',
      'not_found',
      `environment "${key}" does not exist in project "${project.key}"`,
    );
  return env;
}

export async function requireFlag(store: Store, project: Project, key: string): Promise<FlagDefinition> {
  const flag = await store.getFlag(project.id, key);
  if (flag === undefined)
    throw new DomainError(
      'not_found',
      'not_found',
      `flag "${key}" does not exist in project "${project.key}"`,
    );
  return flag;
}

export async function requireFlagConfig(store: Store, env: Environment, key: string): Promise<Flag> {
  const config = await store.getFlagConfig(env.id, key);
  if (config === undefined)
    throw new DomainError(
      'not_found',
      'not_found',
      `flag "${key}" has no config in environment "${env.key}"`,
    );
  return config;
}

export async function requireSegment(store: Store, env: Environment, key: string): Promise<Segment> {
  const segment = await store.getSegment(env.id, key);
  if (segment === undefined)
    throw new DomainError(
      'not_found',
      'not_found',
      `segment "${key}" does not exist in environment "${env.key}"`,
    );
  return segment;
}
