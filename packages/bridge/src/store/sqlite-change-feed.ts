import type { Invoice } from '@forecaster/whmcs-client';
import { pageSize } from './records.ts';
import type { ChangeRow, Statements } from './sqlite-statements.ts';
import type { ChangeEntry, ChangeJson } from './types.ts';

/**
 * The SQLite store's change feed: upserts and tombstones in seq order. Seqs are handed out
 * inside IMMEDIATE write transactions (sqlite-invoice-writes.ts), so they commit in order.
 */
export class SqliteChangeFeed {
  constructor(readonly sql: Statements) {}

  changes(since: number, limit: number, sources?: string[]): ChangeEntry[] {
    return this.#rows(since, limit, sources).map((row) => ({
      seq: row.seq,
      source: row.source,
      id: row.id,
      kind: row.deleted_at === null ? 'upsert' : 'delete',
      invoice: JSON.parse(row.data) as Invoice,
      deletedAt: row.deleted_at,
    }));
  }

  changesJson(since: number, limit: number, sources?: string[]): ChangeJson[] {
    return this.#rows(since, limit, sources).map((row) => ({
      seq: row.seq,
      source: row.source,
      id: row.id,
      kind: row.deleted_at === null ? 'upsert' : 'delete',
      json: row.data,
      deletedAt: row.deleted_at,
    }));
  }

  currentSeq(): number {
    return this.sql.getSeq.get()!;
  }

  #rows(since: number, limit: number, sources?: string[]): ChangeRow[] {
    const count = pageSize(limit);
    if (count === 0 || sources?.length === 0) return [];
    const wanted = sources && new Set(sources);
    const stored = this.sql.sourceIds.all();
    if (!wanted || stored.every((id) => wanted.has(id))) return this.sql.changes.all(since, count);
    // Each source's next changes from its own seq range, merged: one small source behind a
    // large one is not found by walking every change of the large one.
    return stored
      .filter((id) => wanted.has(id))
      .flatMap((id) => this.sql.sourceChanges.all(id, since, count))
      .sort((a, b) => a.seq - b.seq)
      .slice(0, count);
  }
}
