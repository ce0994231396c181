/**
 * What the server processes of one cluster (`--workers N`) tell each other: a commit, so that their
 * hubs publish it at once instead of at the next change-log poll, and a revoked key, so that their
 * streams and principal caches drop it at once instead of at the next revocation check. Workers
 * send to the primary, which relays to every other worker (lifecycle/cluster-primary.ts).
 */
import cluster from 'node:cluster';

export type PeerMessage =
  | { type: 'ensign:committed'; environmentIds: number[] }
  | { type: 'ensign:revoked'; keyId: number };

/** The other processes of the cluster, as one worker sees them. */
export interface Peers {
  send(message: PeerMessage): void;
  onMessage(listener: (message: PeerMessage) => void): void;
}

export function isPeerMessage(value: unknown): value is PeerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (m.type === 'ensign:committed')
    return Array.isArray(m.environmentIds) && m.environmentIds.every((id) => Number.isSafeInteger(id));
  return m.type === 'ensign:revoked' && Number.isSafeInteger(m.keyId);
}

/** This process's peers when it is a cluster worker; undefined when it serves alone. */
export function clusterPeers(): Peers | undefined {
  const send = process.send?.bind(process);
  if (!cluster.isWorker || send === undefined) return undefined;
  return {
    send(message) {
      // After the primary is gone there is no one to tell; the change-log poll still covers it.
      if (process.connected) send(message, undefined, undefined, () => {});
    },
    onMessage(listener) {
      process.on('message', (message: unknown) => {
        if (isPeerMessage(message)) listener(message);
      });
    },
  };
}
