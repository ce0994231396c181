/**
 * One request to a benchmark's helper process over its IPC channel: send a message, wait for the
 * reply it answers with. The load generator and the stream clients speak this way.
 */
import type { ChildProcess } from 'node:child_process';
import { within } from '../server/server-process.js';

/**
 * Sends `message` to `child` and resolves with the first reply that `accept` maps to a value; rejects
 * on a `{ type: 'error', message }` reply, when the child exits, or after `timeoutMs`. `who` names
 * the child in errors ("the load generator").
 */
export function requestChild<Reply extends { type: string }, T>(
  child: ChildProcess,
  message: object,
  accept: (reply: Reply) => T | undefined,
  who: string,
  timeoutMs: number,
): Promise<T> {
  const answer = new Promise<T>((resolve, reject) => {
    const onMessage = (reply: Reply) => {
      if (reply.type === 'error') {
        cleanup();
        reject(new Error(`${who}: ${(reply as { message?: unknown }).message}`));
        return;
      }
      const value = accept(reply);
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${who} exited (code ${code})`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
  child.send(message);
  return within(answer, timeoutMs, `${who} to answer`);
}
