/**
 * Group commit: writes requested while the event loop is busy share one SQLite transaction and so
 * one `COMMIT`, i.e. one WAL fsync, instead of one each. With synchronous=FULL that fsync blocks the
 * server's only JavaScript thread (≈ 0.12 ms per commit on the benchmark VM), so under concurrent
 * writes it caps throughput; grouped, it is paid once per batch. Durability is unchanged: no write's
 * promise settles before the `COMMIT` that contains it has returned.
 *
 * Each write still runs alone in its own savepoint, so one failing (a version check, a missing
 * flag) rolls back only its own changes, exactly as if it had been committed by itself.
 */
import type { Database } from 'better-sqlite3';

interface Pending<I, R> {
  input: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Wraps a synchronous write `apply` so that calls made within one turn of the event loop are
 * committed together, in call order, at the end of that turn (`setImmediate`).
 *
 * @example
 * const commit = groupCommit(sqlite, (input: CommitInput) => writeRows(input));
 * const result = await commit(input); // durable once resolved
 */
export function groupCommit<I, R>(db: Database, apply: (input: I) => R): (input: I) => Promise<R> {
  // A better-sqlite3 transaction function opens BEGIN when called alone and a SAVEPOINT when called
  // inside another transaction, rolling back only to it when it throws.
  const single = db.transaction(apply);
  /** Index of an item whose error aborted the whole transaction (not only its savepoint). */
  let aborting: number | undefined;
  const batch = db.transaction(
    (items: Array<Pending<I, R>>): Array<Outcome<R>> =>
      items.map((item, index): Outcome<R> => {
        try {
          return { ok: true, value: single(item.input) };
        } catch (error) {
          // Some errors (I/O, a full disk) make SQLite roll back the whole transaction: then nothing of
          // this batch is written, and the items are retried without this one (see `settle`).
          if (!db.inTransaction) {
            aborting = index;
            throw error;
          }
          return { ok: false, error };
        }
      }),
  );

  let queue: Array<Pending<I, R>> = [];
  const settle = (items: Array<Pending<I, R>>): void => {
    if (items.length === 0) return;
    aborting = undefined;
    let outcomes: Array<Outcome<R>>;
    try {
      outcomes =
        items.length === 1
          ? [{ ok: true, value: single.immediate(items[0]!.input) }]
          : batch.immediate(items);
    } catch (error) {
      const culprit = items.length === 1 ? 0 : aborting;
      if (culprit === undefined) {
        // BEGIN or COMMIT failed (the write lock was not obtained in time, an I/O error): nothing
        // of the batch was committed.
        for (const item of items) item.reject(error);
        return;
      }
      items[culprit]!.reject(error);
      settle(items.filter((_, index) => index !== culprit));
      return;
    }
    outcomes.forEach((outcome, index) => {
      if (outcome.ok) items[index]!.resolve(outcome.value);
      else items[index]!.reject(outcome.error);
    });
  };
  const flush = () => {
    const items = queue;
    queue = [];
    settle(items);
  };

  return (input) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      if (queue.length === 1) setImmediate(flush);
    });
}
