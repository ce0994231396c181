/**
 * The database the delivery benchmarks run on, made through the admin API as an operator would:
 * `flags` plain boolean flags (`bench-0000`, …) and the two benchmark scenario flags configured in
 * production exactly as the evaluation benchmarks define them, and a server SDK key for production.
 */

import { killTracked } from '../child-processes.js';
import { ensignFlagA, ensignFlagB } from '../sdks/ensign.js';
import { adminCall, PROJECT, seedDatabase } from '../server/seed-database.js';
import { startDeliveryServer, stopDeliveryServer } from './delivery-server.js';

/** The environment SDKs read and flags are changed in. */
export const DELIVERY_ENVIRONMENT = 'production';

export interface DeliveryDatabase {
  dbPath: string;
  adminKey: string;
  /** A server SDK key of the production environment. */
  sdkKey: string;
  /** Every flag key in the environment, the scenario flags included. */
  flagKeys: string[];
  /** The flag the fan-out measurement toggles. */
  changedFlag: string;
}

/** The path of a flag's config in the delivery environment. */
export function configPath(flag: string): string {
  return `/api/v1/projects/${PROJECT}/environments/${DELIVERY_ENVIRONMENT}/flags/${encodeURIComponent(flag)}`;
}

/** Creates the database at `dbPath` (which must not exist yet) and stops its server cleanly. */
export async function seedDeliveryDatabase(dbPath: string, flags: number): Promise<DeliveryDatabase> {
  const seeded = await seedDatabase(dbPath, flags);
  const server = await startDeliveryServer(dbPath);
  try {
    const call = (method: string, path: string, expect: number, body?: unknown) =>
      adminCall(server.url, seeded.adminKey, method, path, expect, body);
    for (const flag of [ensignFlagA(), ensignFlagB()]) {
      const { key, type, variations } = flag;
      await call('POST', `/api/v1/projects/${PROJECT}/flags`, 201, { key, name: key, type, variations });
      const current = (await call('GET', configPath(key), 200)) as { version: number };
      const res = await fetch(`${server.url}${configPath(key)}`, {
        method: 'PUT',
        headers: {
          Authorization: `Bearer ${seeded.adminKey}`,
          'Content-Type': 'application/json',
          'If-Match': `"${current.version}"`,
        },
        body: JSON.stringify({ ...flag, version: current.version }),
      });
      if (res.status !== 200) throw new Error(`configuring ${key}: ${res.status} ${await res.text()}`);
    }
    const key = (await call('POST', '/api/v1/api-keys', 201, {
      kind: 'server',
      name: 'delivery benchmark',
      project: PROJECT,
      environment: DELIVERY_ENVIRONMENT,
    })) as { secret: string };
    await stopDeliveryServer(server);
    return {
      dbPath,
      adminKey: seeded.adminKey,
      sdkKey: key.secret,
      flagKeys: [...seeded.flagKeys, ensignFlagA().key, ensignFlagB().key],
      changedFlag: seeded.flagKeys[0]!,
    };
  } finally {
    await killTracked();
  }
}
