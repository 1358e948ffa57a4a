import type { Database as Db, Statement, Transaction } from 'better-sqlite3';
import { changesBySource, pageSize, toChangeEntry, toChangeJson } from './records.ts';
import type { Statements } from './sqlite-statements.ts';
import type { ChangeEntry, ChangeJson } from './types.ts';

/**
 * The SQLite store's change feed: upserts and tombstones in seq order. Seqs are handed out
 * inside IMMEDIATE write transactions (sqlite-invoice-writes.ts), so they commit in order.
 */
export class SqliteChangeFeed {
  readonly #read;
  readonly #readBytes;

  constructor(
    db: Db,
    readonly sql: Statements,
  ) {
    // One read transaction: no change may commit between two sources' reads (a later seq of
    // one source must not be answered without an earlier one of another).
    const read = <Row extends { seq: number }>(statement: Statement<[string, number, number, number], Row>) =>
      db.transaction((since: number, count: number, sources?: string[]) =>
        changesBySource(this.sql.sourceIds.all(), sources, count, {
          seqs: (id) => this.sql.sourceSeqs.all(id, since, count),
          rows: (id, upTo) => statement.all(id, since, upTo, count),
        }),
      );
    this.#read = read(this.sql.sourceChanges);
    this.#readBytes = read(this.sql.sourceChangeBytes);
  }

  changes(since: number, limit: number, sources?: string[]): ChangeEntry[] {
    return this.#rows(this.#read, since, limit, sources).map(toChangeEntry);
  }

  changesJson(since: number, limit: number, sources?: string[]): ChangeJson[] {
    return this.#rows(this.#readBytes, since, limit, sources).map(toChangeJson);
  }

  currentSeq(): number {
    return this.sql.getSeq.get()!;
  }

  #rows<Row>(
    read: Transaction<(since: number, count: number, sources?: string[]) => Row[]>,
    since: number,
    limit: number,
    sources?: string[],
  ): Row[] {
    const count = pageSize(limit);
    if (count === 0 || sources?.length === 0) return [];
    return read.deferred(since, count, sources);
  }
}
