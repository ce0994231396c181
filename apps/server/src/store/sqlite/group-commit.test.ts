import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
  path = join(dir, 'db.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function table(options: BetterSqlite3.Options = {}) {
  const db = new BetterSqlite3(path, options);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS t (v INTEGER NOT NULL UNIQUE)');
  return db;
}

const values = (db: BetterSqlite3.Database) =>
  (db.prepare('SELECT v FROM t ORDER BY v').all() as Array<{ v: number }>).map((r) => r.v);

describe('groupCommit', () => {
  it('commits the writes of one turn together, in order; a failing one rolls back only itself', async () => {
    const db = table();
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    // Another connection sees nothing until the one COMMIT of the batch.
    const reader = table();
    const visibleToOthers: number[] = [];
    const write = groupCommit(db, (v: number) => {
      visibleToOthers.push((reader.prepare('SELECT count(*) FROM t').pluck().get() as number) ?? -1);
      insert.run(v);
      if (v === 2) insert.run(1); // UNIQUE violation after its own insert: both must be undone
      return v * 10;
    });
    const results = await Promise.allSettled([write(1), write(2), write(3)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([
      10,
      'rejected',
      30,
    ]);
    expect(values(db)).toEqual([1, 3]);
    expect(visibleToOthers).toEqual([0, 0, 0]);
    reader.close();
    db.close();
  });

  it('retries the others when one write aborts the whole transaction', async () => {
    const db = table();
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const write = groupCommit(db, (v: number) => {
      insert.run(v);
      if (v === 2) {
        // What SQLite does itself on I/O errors or a full disk: the whole transaction is gone.
        db.exec('ROLLBACK');
        throw new Error('disk I/O error');
      }
      return v;
    });
    const results = await Promise.allSettled([write(1), write(2), write(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(values(db)).toEqual([1, 3]);
    db.close();
  });

  it('rejects every write of the batch when the write lock cannot be taken', async () => {
    const db = table({ timeout: 10 });
    const other = new BetterSqlite3(path);
    other.exec('BEGIN IMMEDIATE');
    const write = groupCommit(db, (v: number) => db.prepare('INSERT INTO t (v) VALUES (?)').run(v));
    const results = await Promise.allSettled([write(1), write(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    other.exec('ROLLBACK');
    other.close();
    await write(3);
    expect(values(db)).toEqual([3]);
    db.close();
  });
});
