import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Environment, Project, Store } from '../store/store.js';
import { DomainError } from './domain-error.js';
import { editTargets, setFallthrough } from './flag-configs.js';
import { createFlag, initialConfig } from './flag-definitions.js';

let store: Store;
let project: Project;
let dev: Environment;
const by = { actor: 'tester' };
const def = async (key: string) => (await store.getFlag(project.id, key))!;

beforeEach(async () => {
  store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  await store.bootstrap({
    project: { key: 'p', name: 'P' },
    environments: [{ key: 'dev', name: 'Dev' }],
    adminKeys: [],
    sdkKeys: [],
  });
  project = (await store.getProject('p'))!;
  dev = (await store.getEnvironment(project.id, 'dev'))!;
});

afterEach(async () => {
  await store.close();
});

describe('initialConfig', () => {
  it('is OFF and falls through to the off variation (false for booleans, else the first)', () => {
    expect(initialConfig({ type: 'boolean', variations: [true, false] })).toEqual({
      type: 'boolean',
      on: false,
      variations: [true, false],
      offVariation: 1,
      fallthrough: { variation: 1 },
    });
    expect(initialConfig({ type: 'string', variations: ['a', 'b'] }).offVariation).toBe(0);
  });
});

describe('flag service', () => {
  it('creates a definition with a config per environment and records the actor', async () => {
    const { flag, configs } = await createFlag(
      store,
      project,
      { key: 'f', name: 'F', type: 'boolean', variations: [true, false] },
      by,
    );
    expect(flag.key).toBe('f');
    expect(configs.map((c) => [c.environment.key, c.config.version, c.config.on])).toEqual([
      ['dev', 1, false],
    ]);
    const [revision] = await store.listRevisions({ projectId: project.id, environmentId: dev.id });
    expect(revision?.actor).toBe('tester');
  });

  it('rejects variations of the wrong type before writing anything', async () => {
    const create = createFlag(store, project, { key: 'n', name: 'N', type: 'number', variations: ['x'] }, by);
    await expect(create).rejects.toBeInstanceOf(DomainError);
    expect(await store.getFlag(project.id, 'n')).toBeUndefined();
  });

  it('moves a target key between variations and drops empty lists', async () => {
    await createFlag(store, project, { key: 't', name: 'T', type: 'boolean', variations: [true, false] }, by);
    await editTargets(store, dev, await def('t'), { variation: 0, add: ['a', 'b'] }, undefined, by);
    const moved = await editTargets(
      store,
      dev,
      await def('t'),
      { variation: 1, add: ['a', 'b'] },
      undefined,
      by,
    );
    expect(moved.targets).toEqual([{ variation: 1, values: ['a', 'b'] }]);
    const cleared = await editTargets(
      store,
      dev,
      await def('t'),
      { variation: 1, remove: ['a', 'b'] },
      undefined,
      by,
    );
    expect(cleared.targets).toBeUndefined();
  });

  it('reports fallthrough problems at paths of the Serve body', async () => {
    await createFlag(store, project, { key: 's', name: 'S', type: 'boolean', variations: [true, false] }, by);
    const error = await setFallthrough(store, dev, await def('s'), { variation: 5 }, undefined, by).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).issues?.map((i) => i.path)).toEqual(['variation']);
  });
});
