import { readFileSync } from 'node:fs';
import { parseSnapshot, type SnapshotPayload } from '@ensign/sdk-shared';

/**
 * A bootstrap snapshot: given as an object, or the path of a JSON file in the snapshot format (what
 * `GET /sdk/v1/flags` returns). A bad bootstrap is a configuration error: it throws, at creation.
 */
export function loadBootstrap(bootstrap: SnapshotPayload | string): SnapshotPayload {
  let value: unknown = bootstrap;
  if (typeof bootstrap === 'string') {
    try {
      value = JSON.parse(readFileSync(bootstrap, 'utf8'));
    } catch (error) {
      throw new Error(`ensign: cannot read the bootstrap file ${bootstrap}: ${(error as Error).message}`);
    }
  }
  const snapshot = parseSnapshot(value);
  if (typeof snapshot === 'string') throw new Error(`ensign: invalid bootstrap: ${snapshot}`);
  return snapshot;
}
