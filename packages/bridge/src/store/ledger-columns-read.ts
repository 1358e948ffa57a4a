import { dayOf, type LedgerColumns } from '@forecaster/forecast';
import { type InvoiceStatus, toUnits } from '@forecaster/whmcs-client';

/*
 * The store's live invoices as the forecast package's columns (issue 13: a forecast over a
 * million invoices; issue 17 item 4: the bridge's memory). Both engines select the same row
 * shape, one array per invoice read and dropped as it is written into typed arrays: no object
 * and no bigint per invoice stays behind. The store keeps no columns of its own for subtotal,
 * tax, tax2 and the cancellation and update dates: they are read out of the stored JSON (SQLite's
 * json_extract, PostgreSQL's json_to_record), which costs less than a migration rewriting a
 * million rows and a wider row on every write.
 */

/**
 * One invoice as both engines select it, in this order: source, id, status, currency, client,
 * issue, due and paid dates (`YYYY-MM-DD`), the cancellation and update dates (their first ten
 * characters), subtotal, tax and tax2 (decimal strings), credit and total (units at scale 4).
 * An exact read ({@link LedgerColumnsOptions}) adds the refund date (first ten characters) and
 * credit and total again as the decimal text of their int64 units (a number loses digits past 2^53).
 */
export type ColumnRow = [
  string,
  number,
  string,
  string,
  number,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string,
  string,
  string,
  number,
  number,
  (string | null)?,
  string?,
  string?,
];

/** What a read of the columns keeps. */
export interface LedgerColumnsOptions {
  /** Exact money and the refund day as well, for the exact figures (LedgerColumns' `exact`). */
  exact?: boolean;
}

/** The store's columns and the change-feed position they are current at. */
export interface LedgerColumnsRead {
  columns: LedgerColumns;
  /** The seq of the last change the columns include: read the change feed after it. */
  seq: number;
}

const day = (text: string | null) => (text === null ? null : dayOf(text));

// Units as a float, as Number(toUnits(s)) gives them, without a bigint while the integer part
// is small enough for the float arithmetic below to be exact (every amount a hosting company bills).
const SMALL_DECIMAL = /^(-?)(\d{1,11})(?:\.(\d{1,4}))?$/;
function unitsOf(decimal: string): number {
  const m = SMALL_DECIMAL.exec(decimal);
  if (!m) return Number(toUnits(decimal));
  const units = Number(m[2]) * 10_000 + Number((m[3] ?? '').padEnd(4, '0'));
  return m[1] === '-' ? 0 - units : units; // never -0: toUnits has none
}

/** Writes a selected row at row k of the columns (exact money when the columns keep it). */
export function setColumnRow(columns: LedgerColumns, k: number, r: ColumnRow): void {
  const exact = columns.exact !== undefined;
  columns.set(k, {
    source: r[0],
    id: r[1],
    status: r[2] as InvoiceStatus,
    currency: r[3],
    client: r[4],
    issue: day(r[5]),
    due: day(r[6]),
    paid: day(r[7]),
    cancelled: day(r[8]),
    updated: day(r[9]),
    refunded: exact ? day(r[15] ?? null) : null,
    subtotal: exact ? toUnits(r[10]) : unitsOf(r[10]),
    tax: exact ? toUnits(r[11]) : unitsOf(r[11]),
    tax2: exact ? toUnits(r[12]) : unitsOf(r[12]),
    credit: exact ? BigInt(r[16] as string) : r[13],
    total: exact ? BigInt(r[17] as string) : r[14],
  });
}
