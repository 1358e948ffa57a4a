import { type InvoiceStatus, invoiceStatusSchema } from '@forecaster/whmcs-client';
import type { LedgerInvoice } from './ledger.ts';

/*
 * The ledger as columns: what the forecast needs of each invoice, in typed arrays. A store can
 * read it without building an object (and six bigints) per invoice, and the forecast over it
 * leaves no million objects for the garbage collector to trace: a forecast over a million
 * invoices spends its time forecasting. Amounts are float units (scale 4) like the snapshot's:
 * the forecast estimates, the figures (exact, bigint) keep reading the object ledger.
 */

/** A null day. */
export const NO_DAY = -2_147_483_648;

export const STATUSES = invoiceStatusSchema.options;
const STATUS_CODE = new Map<InvoiceStatus, number>(STATUSES.map((s, k) => [s, k]));

/** The columns of `n` invoices (fill them with {@link LedgerColumns.set}). */
export class LedgerColumns {
  /** Source and currency of row i: indices into `sources` and `currencies`. */
  readonly source: Uint16Array;
  readonly currency: Uint16Array;
  readonly sources: string[] = [];
  readonly currencies: string[] = [];
  /** Index into {@link STATUSES}. */
  readonly status: Uint8Array;
  readonly id: Float64Array;
  readonly client: Float64Array;
  /** Day numbers, NO_DAY when WHMCS has none. */
  readonly issue: Int32Array;
  readonly due: Int32Array;
  readonly paid: Int32Array;
  readonly cancelled: Int32Array;
  readonly updated: Int32Array;
  /** subtotal + tax + tax2, added as floats in that order (as the object snapshot adds them). */
  readonly gross: Float64Array;
  readonly credit: Float64Array;
  readonly total: Float64Array;
  readonly #sourceIndex = new Map<string, number>();
  readonly #currencyIndex = new Map<string, number>();

  constructor(readonly length: number) {
    this.source = new Uint16Array(length);
    this.currency = new Uint16Array(length);
    this.status = new Uint8Array(length);
    this.id = new Float64Array(length);
    this.client = new Float64Array(length);
    this.issue = new Int32Array(length);
    this.due = new Int32Array(length);
    this.paid = new Int32Array(length);
    this.cancelled = new Int32Array(length);
    this.updated = new Int32Array(length);
    this.gross = new Float64Array(length);
    this.credit = new Float64Array(length);
    this.total = new Float64Array(length);
  }

  /**
   * Empty columns of `length` rows that name sources and currencies as `from` does, so that
   * {@link copyRows} can copy its rows without translating them.
   */
  static withNamesOf(from: LedgerColumns, length: number): LedgerColumns {
    const out = new LedgerColumns(length);
    for (const name of from.sources) indexOf(out.#sourceIndex, out.sources, name);
    for (const name of from.currencies) indexOf(out.#currencyIndex, out.currencies, name);
    return out;
  }

  /** Copies rows [start, end) of `from` (see {@link withNamesOf}) to rows from `at` on. */
  copyRows(from: LedgerColumns, start: number, end: number, at: number): void {
    if (end <= start) return;
    const named = (mine: string[], theirs: string[]) => theirs.every((name, k) => mine[k] === name);
    if (!named(this.sources, from.sources) || !named(this.currencies, from.currencies))
      throw new Error('copyRows: the columns name sources or currencies differently');
    for (const column of LEDGER_COLUMN_NAMES) this[column].set(from[column].subarray(start, end), at);
  }

  /** Writes row k. Money in units (scale 4), as numbers or the ledger's bigints. */
  set(
    k: number,
    row: {
      source: string;
      currency: string;
      status: InvoiceStatus;
      id: number;
      client: number;
      issue: number | null;
      due: number | null;
      paid: number | null;
      cancelled: number | null;
      updated: number | null;
      subtotal: number | bigint;
      tax: number | bigint;
      tax2: number | bigint;
      credit: number | bigint;
      total: number | bigint;
    },
  ): void {
    this.source[k] = indexOf(this.#sourceIndex, this.sources, row.source);
    this.currency[k] = indexOf(this.#currencyIndex, this.currencies, row.currency);
    this.status[k] = STATUS_CODE.get(row.status) ?? 0;
    this.id[k] = row.id;
    this.client[k] = row.client;
    this.issue[k] = row.issue ?? NO_DAY;
    this.due[k] = row.due ?? NO_DAY;
    this.paid[k] = row.paid ?? NO_DAY;
    this.cancelled[k] = row.cancelled ?? NO_DAY;
    this.updated[k] = row.updated ?? NO_DAY;
    this.gross[k] = Number(row.subtotal) + Number(row.tax) + Number(row.tax2);
    this.credit[k] = Number(row.credit);
    this.total[k] = Number(row.total);
  }
}

/** The names of the typed-array columns of {@link LedgerColumns}. */
export const LEDGER_COLUMN_NAMES = [
  'source',
  'currency',
  'status',
  'id',
  'client',
  'issue',
  'due',
  'paid',
  'cancelled',
  'updated',
  'gross',
  'credit',
  'total',
] as const;

function indexOf(index: Map<string, number>, list: string[], value: string): number {
  let k = index.get(value);
  if (k === undefined) {
    k = list.length;
    list.push(value);
    index.set(value, k);
  }
  return k;
}

/**
 * The columns of an object ledger (the same rows, in the same order).
 *
 * @example forecastCash(ledgerColumnsOf(ledger), options) // the same bytes as forecastCash(ledger, options)
 */
export function ledgerColumnsOf(ledger: readonly LedgerInvoice[]): LedgerColumns {
  const out = new LedgerColumns(ledger.length);
  ledger.forEach((i, k) => {
    out.set(k, i);
  });
  return out;
}

export const isLedgerColumns = (x: unknown): x is LedgerColumns => x instanceof LedgerColumns;
