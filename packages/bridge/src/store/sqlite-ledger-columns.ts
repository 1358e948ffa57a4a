import { LedgerColumns } from '@forecaster/forecast';
import type { Database as Db } from 'better-sqlite3';
import {
  type ColumnRow,
  type LedgerColumnsOptions,
  type LedgerColumnsRead,
  setColumnRow,
} from './ledger-columns-read.ts';
import { placeholders } from './sqlite-statements.ts';

const json = (field: string) => `json_extract(data, '$.${field}')`;
const SELECTED = `source, id, status, currency, client_id, issue_date, due_date, paid_date,
  substr(${json('cancelledAt')}, 1, 10), substr(${json('updatedAt')}, 1, 10),
  ${json('subtotal')}, ${json('tax')}, ${json('tax2')}, credit_units, total_units`;
const EXACT = `, substr(${json('refundedAt')}, 1, 10), CAST(credit_units AS TEXT), CAST(total_units AS TEXT)`;

/**
 * The live invoices of these sources (every source when omitted) as columns, in (source, id)
 * order, with the seq they are current at: one read transaction, so no change falls between.
 */
export function readSqliteLedgerColumns(
  db: Db,
  sources?: readonly string[],
  options: LedgerColumnsOptions = {},
): LedgerColumnsRead {
  const where = sources
    ? `deleted_at IS NULL AND source IN (${placeholders(sources.length)})`
    : 'deleted_at IS NULL';
  const params = sources ?? [];
  if (sources?.length === 0) return { columns: new LedgerColumns(0, options), seq: currentSeq(db) };
  return db.transaction(() => {
    const seq = currentSeq(db);
    const n = db
      .prepare(`SELECT count(*) FROM invoices WHERE ${where}`)
      .pluck()
      .get(...params) as number;
    const columns = new LedgerColumns(n, options);
    const rows = db
      .prepare(
        `SELECT ${SELECTED}${options.exact ? EXACT : ''} FROM invoices WHERE ${where} ORDER BY source, id`,
      )
      .raw()
      .iterate(...params) as IterableIterator<ColumnRow>;
    let k = 0;
    for (const row of rows) setColumnRow(columns, k++, row);
    return { columns, seq };
  })();
}

const currentSeq = (db: Db) => db.prepare("SELECT value FROM meta WHERE key = 'seq'").pluck().get() as number;
