/**
 * First start: an empty database gets a default project, the environments development, staging and
 * production, an admin key, and a server-SDK and a client-SDK key per environment. The secrets are
 * returned once for printing; only their hashes are stored.
 */
import type { ApiKeyKind, BootstrapSeed, Store } from '../store/store.js';
import { generateApiKey } from './api-keys.js';

export const defaultEnvironments = [
  { key: 'development', name: 'Development' },
  { key: 'staging', name: 'Staging' },
  { key: 'production', name: 'Production' },
] as const;

export interface CreatedKey {
  kind: ApiKeyKind;
  name: string;
  /** Environment key of an SDK key; null for the admin key. */
  environment: string | null;
  secret: string;
}

/**
 * Seeds the database if it has no project. Resolves the created keys (with their secrets), or
 * undefined when the database was already initialised, by this process earlier or by another one.
 */
export async function bootstrapIfEmpty(store: Store): Promise<CreatedKey[] | undefined> {
  const created: CreatedKey[] = [];
  const seed: BootstrapSeed = {
    project: { key: 'default', name: 'Default project' },
    environments: defaultEnvironments.map((e) => ({ ...e })),
    adminKeys: [],
    sdkKeys: [],
  };
  const admin = generateApiKey('admin');
  seed.adminKeys.push({ name: 'admin', prefix: admin.prefix, secretHash: admin.secretHash });
  created.push({ kind: 'admin', name: 'admin', environment: null, secret: admin.secret });
  for (const env of defaultEnvironments) {
    for (const kind of ['server', 'client'] as const) {
      const key = generateApiKey(kind);
      const name = `${env.key} ${kind} SDK`;
      seed.sdkKeys.push({
        kind,
        name,
        prefix: key.prefix,
        secretHash: key.secretHash,
        environmentKey: env.key,
      });
      created.push({ kind, name, environment: env.key, secret: key.secret });
    }
  }
  return (await store.bootstrap(seed)) ? created : undefined;
}

/** The text printed once on first start (to stderr, so stdout stays JSON log lines only). */
export function bootstrapBanner(keys: readonly CreatedKey[], baseUrl: string): string {
  const line = '─'.repeat(78);
  const rows = keys.map((k) => `  ${k.name.padEnd(26)} ${k.secret}`);
  return [
    line,
    'Ensign: first start. Created the project "default" with environments',
    `${defaultEnvironments.map((e) => e.key).join(', ')}, and these API keys. They are shown ONCE`,
    'and stored only as hashes: copy them now.',
    '',
    ...rows,
    '',
    `  API       ${baseUrl}/api/v1   (Authorization: Bearer <admin key>)`,
    `  reference ${baseUrl}/docs   (OpenAPI: ${baseUrl}/api/openapi.json)`,
    `  health    ${baseUrl}/livez  ${baseUrl}/readyz`,
    line,
  ].join('\n');
}
