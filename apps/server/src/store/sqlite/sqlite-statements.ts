/**
 * Prepared statements kept for the life of a connection. SQLite parses and plans a statement when it
 * is prepared; drizzle prepares every query again each time it runs, which cost ≈ 7 % of a flag
 * write's CPU, and building the SQL from query builders ≈ 27 % more (docs/benchmarks.md). The hot
 * paths therefore run raw SQL through this cache: each distinct SQL text is prepared on first use
 * (not at open: the tables may not exist before `migrate()`), then reused.
 */
import type { Database, Statement } from 'better-sqlite3';

/** Returns the connection's prepared statement for `sql`, preparing it the first time. */
export type Prepare = (sql: string) => Statement;

/**
 * @example
 * const prepare = statementCache(sqlite);
 * const row = prepare('SELECT id FROM projects WHERE key = ?').get('default');
 */
export function statementCache(db: Database): Prepare {
  const statements = new Map<string, Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}
