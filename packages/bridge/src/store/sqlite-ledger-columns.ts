import { LedgerColumns } from '@forecaster/forecast';
import type { Database as Db } from 'better-sqlite3';
import { betweenSlices, stepped } from '../bounded-work.ts';
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

/** Rows read between two turns of the event loop: a few milliseconds of work. */
export const COLUMN_PAGE = 500;

/**
 * The live invoices of these sources (every source when omitted) as columns, in (source, id)
 * order, with the seq to read the change feed after.
 *
 * Read in pages by key, each its own read, with the event loop free between them
 * (bounded-work.ts): a million invoices take seconds, and one transaction over them all would
 * hold every request that long. The seq is taken before the first page, so every change after
 * it is in the feed: a row a page missed (added behind the pages) or read before a later change
 * is brought up to date by applying the feed after `seq`, as the column cache does (a page may
 * already hold some of those changes; applying them again changes nothing).
 */
export async function readSqliteLedgerColumns(
  db: Db,
  sources?: readonly string[],
  options: LedgerColumnsOptions = {},
): Promise<LedgerColumnsRead> {
  const seq = currentSeq(db);
  if (sources?.length === 0) return { columns: new LedgerColumns(0, options), seq };
  const where = sources
    ? `deleted_at IS NULL AND source IN (${placeholders(sources.length)})`
    : 'deleted_at IS NULL';
  const params = sources ?? [];
  const n = db
    .prepare(`SELECT count(*) FROM invoices WHERE ${where}`)
    .pluck()
    .get(...params) as number;
  const selected = `SELECT ${SELECTED}${options.exact ? EXACT : ''} FROM invoices WHERE ${where}`;
  const first = db.prepare(`${selected} ORDER BY source, id LIMIT ${COLUMN_PAGE}`).raw();
  const next = db
    .prepare(`${selected} AND (source, id) > (?, ?) ORDER BY source, id LIMIT ${COLUMN_PAGE}`)
    .raw();
  // One array at a time: a million exact rows' columns are about 110 MB.
  let columns = await stepped(LedgerColumns.steps(n, options));
  let k = 0;
  let after: [string, number] | undefined;
  for (;;) {
    const rows = (after ? next.all(...params, ...after) : first.all(...params)) as ColumnRow[];
    if (k + rows.length > columns.length)
      columns = resized(columns, k, Math.max(k + rows.length, columns.length * 1.25));
    for (const row of rows) setColumnRow(columns, k++, row);
    const last = rows.at(-1);
    if (rows.length < COLUMN_PAGE || !last) break;
    after = [last[0], last[1]];
    await betweenSlices();
  }
  // Rows added or deleted between the count and the pages: the columns are as long as what was read.
  return { columns: k === columns.length ? columns : resized(columns, k, k), seq };
}

/** The first `rows` rows of `columns` in columns of `length` rows. */
function resized(columns: LedgerColumns, rows: number, length: number): LedgerColumns {
  const out = LedgerColumns.withNamesOf(columns, Math.ceil(length));
  out.copyRows(columns, 0, rows, 0);
  return out;
}

const currentSeq = (db: Db) => db.prepare("SELECT value FROM meta WHERE key = 'seq'").pluck().get() as number;
