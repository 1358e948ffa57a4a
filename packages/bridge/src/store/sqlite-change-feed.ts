import type { Database as Db } from 'better-sqlite3';
import { type ChangeRow, changesBySource, pageSize, toChangeEntry, toChangeJson } from './records.ts';
import type { Statements } from './sqlite-statements.ts';
import type { ChangeEntry, ChangeJson } from './types.ts';

/**
 * The SQLite store's change feed: upserts and tombstones in seq order. Seqs are handed out
 * inside IMMEDIATE write transactions (sqlite-invoice-writes.ts), so they commit in order.
 */
export class SqliteChangeFeed {
  readonly #read;

  constructor(
    db: Db,
    readonly sql: Statements,
  ) {
    // One read transaction: no change may commit between two sources' reads (a later seq of
    // one source must not be answered without an earlier one of another).
    this.#read = db.transaction((since: number, count: number, sources?: string[]) =>
      changesBySource(this.sql.sourceIds.all(), sources, count, {
        seqs: (id) => this.sql.sourceSeqs.all(id, since, count),
        rows: (id, upTo) => this.sql.sourceChanges.all(id, since, upTo, count),
      }),
    );
  }

  changes(since: number, limit: number, sources?: string[]): ChangeEntry[] {
    return this.#rows(since, limit, sources).map(toChangeEntry);
  }

  changesJson(since: number, limit: number, sources?: string[]): ChangeJson[] {
    return this.#rows(since, limit, sources).map(toChangeJson);
  }

  currentSeq(): number {
    return this.sql.getSeq.get()!;
  }

  #rows(since: number, limit: number, sources?: string[]): ChangeRow[] {
    const count = pageSize(limit);
    if (count === 0 || sources?.length === 0) return [];
    return this.#read.deferred(since, count, sources);
  }
}
