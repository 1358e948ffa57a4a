import { type InvoiceStatus, invoiceStatusSchema } from '@forecaster/whmcs-client';
import { type ClientGroups, clientGroups } from './client-groups.ts';
import type { LedgerInvoice } from './ledger.ts';
import { drain, STEP_SLICE, type Steps } from './steps.ts';

/*
 * The ledger as columns: what the forecast needs of each invoice, in typed arrays. A store can
 * read it without building an object (and six bigints) per invoice, and the forecast over it
 * leaves no million objects for the garbage collector to trace: a forecast over a million
 * invoices spends its time forecasting. Amounts are float units (scale 4) like the snapshot's:
 * the forecast estimates.
 *
 * Columns made `exact` also keep each amount as the store keeps it (int64 units: the sync
 * quarantines anything larger) and the refund day: the exact figures read those rows back as
 * {@link LedgerInvoice}s, one at a time ({@link LedgerColumns.invoices}), so a million invoices
 * cost about 110 bytes each outside the JavaScript heap instead of a million objects and five
 * million bigints on it.
 */

/** A null day. */
export const NO_DAY = -2_147_483_648;

export const STATUSES = invoiceStatusSchema.options;
const STATUS_CODE = new Map<InvoiceStatus, number>(STATUSES.map((s, k) => [s, k]));

/** The exact part of {@link LedgerColumns}: money in int64 units at scale 4, and the refund day. */
export interface ExactColumns {
  subtotal: BigInt64Array;
  tax: BigInt64Array;
  tax2: BigInt64Array;
  credit: BigInt64Array;
  total: BigInt64Array;
  /** Day numbers, NO_DAY when WHMCS has none. */
  refunded: Int32Array;
}

const MAX_INT64 = 2n ** 63n - 1n;

/** A bigint a BigInt64Array holds as it is (it would wrap one beyond int64 silently). */
function int64(value: number | bigint, field: string): bigint {
  const units = typeof value === 'bigint' ? value : BigInt(value);
  if (units > MAX_INT64 || units < -MAX_INT64)
    throw new RangeError(`${field} ${units} units is beyond int64`);
  return units;
}

const dayOrNull = (day: number): number | null => (day === NO_DAY ? null : day);

/** The typed array of each column, and of each exact column. */
const PLAIN_TYPES = {
  source: Uint16Array,
  currency: Uint16Array,
  status: Uint8Array,
  id: Float64Array,
  client: Float64Array,
  issue: Int32Array,
  due: Int32Array,
  paid: Int32Array,
  cancelled: Int32Array,
  updated: Int32Array,
  gross: Float64Array,
  credit: Float64Array,
  total: Float64Array,
} as const;
const EXACT_TYPES = {
  subtotal: BigInt64Array,
  tax: BigInt64Array,
  tax2: BigInt64Array,
  credit: BigInt64Array,
  total: BigInt64Array,
  refunded: Int32Array,
} as const;

/** The names of the typed-array columns of {@link LedgerColumns}. */
export const LEDGER_COLUMN_NAMES = Object.keys(PLAIN_TYPES) as ReadonlyArray<keyof typeof PLAIN_TYPES>;
const EXACT_COLUMN_NAMES = Object.keys(EXACT_TYPES) as ReadonlyArray<keyof typeof EXACT_TYPES>;

type Arrays<T> = { -readonly [K in keyof T]: T[K] extends new (length: number) => infer A ? A : never };

/** The typed arrays of {@link LedgerColumns}. */
type ColumnArrays = Arrays<typeof PLAIN_TYPES> & { exact: Arrays<typeof EXACT_TYPES> | undefined };

/** Zeroed arrays of `length` rows, one per step. */
function* arraysSteps<T extends Record<string, new (length: number) => unknown>>(
  types: T,
  length: number,
): Steps<Arrays<T>> {
  const out: Record<string, unknown> = {};
  for (const [name, Type] of Object.entries(types)) {
    out[name] = new Type(length);
    yield;
  }
  return out as Arrays<T>;
}

function* allocateSteps(length: number, exact: boolean): Steps<ColumnArrays> {
  const plain = yield* arraysSteps(PLAIN_TYPES, length);
  return { ...plain, exact: exact ? yield* arraysSteps(EXACT_TYPES, length) : undefined };
}

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
  /** Only in columns made with `{ exact: true }`. */
  readonly exact: ExactColumns | undefined;
  readonly #sourceIndex = new Map<string, number>();
  readonly #currencyIndex = new Map<string, number>();

  /** Columns of `length` rows, every value zero (allocated at once; see {@link steps}). */
  constructor(
    readonly length: number,
    options: { exact?: boolean } = {},
    arrays: ColumnArrays = drain(allocateSteps(length, options.exact ?? false)),
  ) {
    this.source = arrays.source;
    this.currency = arrays.currency;
    this.status = arrays.status;
    this.id = arrays.id;
    this.client = arrays.client;
    this.issue = arrays.issue;
    this.due = arrays.due;
    this.paid = arrays.paid;
    this.cancelled = arrays.cancelled;
    this.updated = arrays.updated;
    this.gross = arrays.gross;
    this.credit = arrays.credit;
    this.total = arrays.total;
    this.exact = arrays.exact;
  }

  /**
   * The same columns allocated one array per step: at a million exact invoices they are about
   * 110 MB, which took 30-290 ms in one block (a fresh allocation's pages written for the first
   * time), against at most 25 ms for one array (measured at 1,023,441 rows).
   */
  static *steps(length: number, options: { exact?: boolean } = {}): Steps<LedgerColumns> {
    return new LedgerColumns(length, options, yield* allocateSteps(length, options.exact ?? false));
  }

  /**
   * Empty columns of `length` rows that name sources and currencies as `from` does, so that
   * {@link copyRows} can copy its rows without translating them.
   */
  static withNamesOf(from: LedgerColumns, length: number): LedgerColumns {
    return drain(LedgerColumns.withNamesOfSteps(from, length));
  }

  /** {@link withNamesOf}, one array allocated per step (see {@link steps}). */
  static *withNamesOfSteps(from: LedgerColumns, length: number): Steps<LedgerColumns> {
    const out = yield* LedgerColumns.steps(length, { exact: from.exact !== undefined });
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
    if (this.exact) {
      if (!from.exact) throw new Error('copyRows: exact columns copy rows of exact columns only');
      for (const column of EXACT_COLUMN_NAMES)
        this.exact[column].set(from.exact[column].subarray(start, end) as never, at);
    }
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
      /** Kept by exact columns only. */
      refunded?: number | null;
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
    const exact = this.exact;
    if (exact) {
      exact.subtotal[k] = int64(row.subtotal, 'subtotal');
      exact.tax[k] = int64(row.tax, 'tax');
      exact.tax2[k] = int64(row.tax2, 'tax2');
      exact.credit[k] = int64(row.credit, 'credit');
      exact.total[k] = int64(row.total, 'total');
      exact.refunded[k] = row.refunded ?? NO_DAY;
    }
  }

  /** Row k as the figures read an invoice (exact columns only): a new object each call. */
  invoice(k: number): LedgerInvoice {
    const exact = this.#exactOrThrow();
    return {
      source: this.sources[this.source[k] as number] as string,
      id: this.id[k] as number,
      client: this.client[k] as number,
      currency: this.currencies[this.currency[k] as number] as string,
      status: STATUSES[this.status[k] as number] as InvoiceStatus,
      issue: dayOrNull(this.issue[k] as number),
      due: dayOrNull(this.due[k] as number),
      paid: dayOrNull(this.paid[k] as number),
      refunded: dayOrNull(exact.refunded[k] as number),
      cancelled: dayOrNull(this.cancelled[k] as number),
      updated: dayOrNull(this.updated[k] as number),
      subtotal: exact.subtotal[k] as bigint,
      tax: exact.tax[k] as bigint,
      tax2: exact.tax2[k] as bigint,
      credit: exact.credit[k] as bigint,
      total: exact.total[k] as bigint,
    };
  }

  /**
   * Every row as the figures read an invoice, in row order (exact columns only). Each pass makes
   * its objects as it goes and keeps none: iterate it as often as needed.
   *
   * @example revenueFigures(columns.invoices(), options) // the same as over the object ledger
   */
  invoices(): Iterable<LedgerInvoice> {
    this.#exactOrThrow();
    const columns = this;
    return {
      *[Symbol.iterator]() {
        for (let k = 0; k < columns.length; k++) yield columns.invoice(k);
      },
    };
  }

  /** The rows given (indices into these columns, in the order given) as invoices, as {@link invoices} reads them. */
  invoicesAt(rows: ArrayLike<number>): Iterable<LedgerInvoice> {
    this.#exactOrThrow();
    const columns = this;
    return {
      *[Symbol.iterator]() {
        for (let j = 0; j < rows.length; j++) yield columns.invoice(rows[j] as number);
      },
    };
  }

  #exactOrThrow(): ExactColumns {
    if (!this.exact) throw new Error('these columns keep no exact amounts: make them with { exact: true }');
    return this.exact;
  }
}

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
export function ledgerColumnsOf(
  ledger: readonly LedgerInvoice[],
  options: { exact?: boolean } = {},
): LedgerColumns {
  const out = new LedgerColumns(ledger.length, options);
  ledger.forEach((i, k) => {
    out.set(k, i);
  });
  return out;
}

export const isLedgerColumns = (x: unknown): x is LedgerColumns => x instanceof LedgerColumns;

/**
 * The rows of each client id (every source's), in row order: a figure asked for one client reads
 * that client's rows instead of every invoice. Two counting passes into one array.
 *
 * @example paymentBehaviour(columns.invoicesAt(drain(ClientRows.steps(columns)).of(42)), { client: 42, ...o })
 */
export class ClientRows {
  readonly #groups: ClientGroups;

  private constructor(groups: ClientGroups) {
    this.#groups = groups;
  }

  /** Builds the index, yielding every {@link STEP_SLICE} rows of its passes. */
  static *steps(columns: LedgerColumns): Steps<ClientRows> {
    return new ClientRows(yield* clientGroups(columns.client, columns.length));
  }

  /** The rows of this client id, in row order (none for a client with no invoice). */
  of(client: number): Uint32Array {
    const { rank, start, rows } = this.#groups;
    const r = rank.get(client);
    return r === undefined ? new Uint32Array(0) : rows.subarray(start[r], start[r + 1]);
  }
}
