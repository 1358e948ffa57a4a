import type { InvoiceStatus } from '@forecaster/whmcs-client';
import type { Database as Db, Statement } from 'better-sqlite3';
import type { ChangeRow, SourceRow } from './records.ts';

/*
 * The SQLite store's fixed statements, prepared once per connection, and a cache for those
 * whose text depends on a filter. The store's parts (sources, writes, reads, change feed) share
 * them.
 */

export interface ExistingRow {
  id: number;
  data: string;
  raw: string | null;
  raw_full: number;
  deleted_at: string | null;
  seen_run: string | null;
}

/** An invoice row as stored: the raw record is rebuilt from it (raw-record.ts). */
export interface StoredRow {
  data: string;
  raw: string | null;
  raw_full: number;
  seq: number;
  deleted_at: string | null;
}

export type InvoiceValues = [
  status: string,
  currency: string,
  clientId: number,
  issueDate: string | null,
  dueDate: string | null,
  paidDate: string | null,
  totalUnits: bigint,
  creditUnits: bigint,
  seq: number,
  rawFull: number,
  data: string,
  raw: string | null,
];

interface RecordRunParams {
  id: string;
  run: string;
  ok: number;
  error: string | null;
}

const QUARANTINED = '(SELECT count(*) FROM quarantine WHERE source = s.id) AS quarantined';

/**
 * The invoice's JSON as the API serves it: stored as JSONB since migration 17 (written with
 * `jsonb(?)`), read back as the text it was written from.
 */
export const DATA = 'json(data) AS data';

/**
 * The same as UTF-8 bytes (better-sqlite3 gives a blob as a Buffer): what a served page copies.
 * CAST gives a text's bytes in the file's encoding, UTF-8 in every file the store creates
 * (SQLite's default; nothing here asks for another).
 */
export const DATA_BYTES = 'CAST(json(data) AS BLOB) AS data';

const COLUMNS =
  'status, currency, client_id, issue_date, due_date, paid_date, total_units, credit_units, seq, raw_full, data, raw';

type S<P extends unknown[] | object, R = unknown> = Statement<P, R>;

export interface Statements {
  getSeq: S<[], number>;
  setSeq: S<[number]>;
  sourceExists: S<[string], number>;
  existing: S<[string, string], ExistingRow>;
  existingRange: S<[string, number, number], ExistingRow>;
  insert: S<[string, number, ...InvoiceValues, string | null]>;
  update: S<[...InvoiceValues, string | null, string, number]>;
  markSeen: S<[string, string, number]>;
  markSeenAll: S<[string, string, string]>;
  liveData: S<[string, number], string>;
  unseen: S<[string, string], number>;
  tombstone: S<[string, number, string, number]>;
  liveRaw: S<[string, string], { id: number; data: string; raw: string | null; raw_full: number }>;
  getInvoice: S<[string, number], StoredRow>;
  upsertSource: S<[string, string]>;
  getSource: S<[string], SourceRow>;
  listSources: S<[], SourceRow>;
  saveCheckpoint: S<[string | null, string]>;
  recordFull: S<RecordRunParams>;
  recordIncremental: S<RecordRunParams>;
  setFailing: S<[number, string | null, string]>;
  countsByStatus: S<[string], { status: InvoiceStatus; n: number }>;
  /** A source's last seq (a write of any of its invoices takes a new one). */
  sourceSeq: S<[string], number>;
  countFromId: S<[string, number], number>;
  ping: S<[], number>;
  sourceIds: S<[], string>;
  sourceSeqs: S<[string, number, number], number>;
  sourceChanges: S<[string, number, number, number], ChangeRow>;
  sourceChangeBytes: S<[string, number, number, number], ChangeRow<Buffer>>;
}

export function prepareStatements(db: Db): Statements {
  return {
    getSeq: db.prepare<[], number>("SELECT value FROM meta WHERE key = 'seq'").pluck(),
    setSeq: db.prepare<[number]>("UPDATE meta SET value = ? WHERE key = 'seq'"),
    sourceExists: db.prepare<[string], number>('SELECT 1 FROM sources WHERE id = ?').pluck(),
    existing: db.prepare<[string, string], ExistingRow>(
      `SELECT id, ${DATA}, raw, raw_full, deleted_at, seen_run FROM invoices WHERE source = ? AND id IN (SELECT value FROM json_each(?))`,
    ),
    existingRange: db.prepare<[string, number, number], ExistingRow>(
      `SELECT id, ${DATA}, raw, raw_full, deleted_at, seen_run FROM invoices WHERE source = ? AND id BETWEEN ? AND ?`,
    ),
    insert: db.prepare<[string, number, ...InvoiceValues, string | null]>(
      `INSERT INTO invoices (source, id, ${COLUMNS}, seen_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, jsonb(?), ?, ?)`,
    ),
    update: db.prepare<[...InvoiceValues, string | null, string, number]>(
      `UPDATE invoices SET (${COLUMNS}, deleted_at, seen_run) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, jsonb(?), ?, NULL, coalesce(?, seen_run))
       WHERE source = ? AND id = ?`,
    ),
    markSeen: db.prepare<[string, string, number]>(
      'UPDATE invoices SET seen_run = ? WHERE source = ? AND id = ?',
    ),
    markSeenAll: db.prepare<[string, string, string]>(
      'UPDATE invoices SET seen_run = ? WHERE source = ? AND id IN (SELECT value FROM json_each(?))',
    ),
    liveData: db
      .prepare<[string, number], string>(
        `SELECT ${DATA} FROM invoices WHERE source = ? AND id = ? AND deleted_at IS NULL`,
      )
      .pluck(),
    unseen: db
      .prepare<[string, string], number>(
        'SELECT id FROM invoices WHERE source = ? AND deleted_at IS NULL AND seen_run IS NOT ? ORDER BY id',
      )
      .pluck(),
    tombstone: db.prepare<[string, number, string, number]>(
      'UPDATE invoices SET deleted_at = ?, seq = ? WHERE source = ? AND id = ?',
    ),
    liveRaw: db.prepare<[string, string], { id: number; data: string; raw: string | null; raw_full: number }>(
      `SELECT id, ${DATA}, raw, raw_full FROM invoices WHERE source = ? AND id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL`,
    ),
    getInvoice: db.prepare<[string, number], StoredRow>(
      `SELECT ${DATA}, raw, raw_full, seq, deleted_at FROM invoices WHERE source = ? AND id = ?`,
    ),
    upsertSource: db.prepare<[string, string]>(
      'INSERT INTO sources (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
    ),
    getSource: db.prepare<[string], SourceRow>(
      `SELECT s.*, (SELECT max(id) FROM invoices WHERE source = s.id) AS hwm, ${QUARANTINED} FROM sources s WHERE s.id = ?`,
    ),
    listSources: db.prepare<[], SourceRow>(
      `SELECT s.*, (SELECT max(id) FROM invoices WHERE source = s.id) AS hwm, ${QUARANTINED} FROM sources s ORDER BY s.id`,
    ),
    saveCheckpoint: db.prepare<[string | null, string]>('UPDATE sources SET checkpoint = ? WHERE id = ?'),
    recordFull: recordRunStatement(db, 'last_full'),
    recordIncremental: recordRunStatement(db, 'last_incremental'),
    setFailing: db.prepare<[number, string | null, string]>(
      'UPDATE sources SET failing = ?, last_error = coalesce(?, last_error) WHERE id = ?',
    ),
    countsByStatus: db.prepare<[string], { status: InvoiceStatus; n: number }>(
      'SELECT status, count(*) AS n FROM invoices WHERE source = ? AND deleted_at IS NULL GROUP BY status',
    ),
    sourceSeq: db
      .prepare<[string], number>(
        'SELECT coalesce(max(seq), 0) FROM invoices INDEXED BY invoices_source_seq WHERE source = ?',
      )
      .pluck(),
    countFromId: db
      .prepare<[string, number], number>(
        'SELECT count(*) FROM invoices WHERE source = ? AND id >= ? AND deleted_at IS NULL',
      )
      .pluck(),
    ping: db.prepare<[], number>('SELECT 1').pluck(),
    sourceIds: db.prepare<[], string>('SELECT id FROM sources').pluck(),
    sourceSeqs: db
      .prepare<[string, number, number], number>(
        `SELECT seq FROM invoices INDEXED BY invoices_source_seq
         WHERE source = ? AND seq > ? ORDER BY seq LIMIT ?`,
      )
      .pluck(),
    sourceChanges: db.prepare<[string, number, number, number], ChangeRow>(sourceChanges(DATA)),
    sourceChangeBytes: db.prepare<[string, number, number, number], ChangeRow<Buffer>>(
      sourceChanges(DATA_BYTES),
    ),
  };
}

function sourceChanges(data: string): string {
  return `SELECT source, id, seq, ${data}, deleted_at FROM invoices INDEXED BY invoices_source_seq
    WHERE source = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`;
}

/** A successful run clears the failure state; a failed one leaves its error as the last error. */
function recordRunStatement(db: Db, column: 'last_full' | 'last_incremental') {
  return db.prepare<RecordRunParams>(
    `UPDATE sources SET ${column} = @run,
       failing = CASE WHEN @ok THEN 0 ELSE failing END,
       last_error = CASE WHEN @ok THEN NULL ELSE coalesce(@error, last_error) END
     WHERE id = @id`,
  );
}

/** Statements whose text depends on the filter, prepared once per shape. */
export class StatementCache {
  readonly #cache = new Map<string, Statement>();

  constructor(readonly db: Db) {}

  get<R>(sql: string, safeIntegers = false): Statement<unknown[], R> {
    let statement = this.#cache.get(sql);
    if (!statement) {
      if (this.#cache.size >= 256) this.#cache.clear();
      statement = this.db.prepare(sql).safeIntegers(safeIntegers);
      this.#cache.set(sql, statement);
    }
    return statement as Statement<unknown[], R>;
  }
}

export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
