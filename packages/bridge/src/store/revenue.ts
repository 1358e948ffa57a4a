import type { Invoice } from '@forecaster/whmcs-client';
import { toUnits } from '@forecaster/whmcs-client';
import type { Database as Db, Statement } from 'better-sqlite3';

/*
 * Revenue: the public contract of `Store.revenue()`.
 *
 * Every figure is an exact sum of decimal amounts (scale-4 integer units, never floats), per
 * currency and per month (YYYY-MM). A datetime's month is the month of its local date, the one
 * written in the ISO string (`paidAt.slice(0, 7)`): the WHMCS server's own calendar. Tombstoned
 * invoices contribute nothing.
 *
 * | measure        | which invoices                                  | amount | month of                                  |
 * |----------------|-------------------------------------------------|--------|-------------------------------------------|
 * | invoiced       | status is not draft                             | total  | issueDate                                 |
 * | collected      | status paid or refunded, and paidAt is set      | total  | paidAt                                    |
 * | outstanding    | status unpaid, payment_pending or collections   | total  | dueDate, else issueDate                   |
 * | creditApplied  | status is not draft                             | credit | issueDate                                 |
 * | refunded       | status refunded                                 | total  | refundedAt, else paidAt, else issueDate   |
 * | cancelled      | status cancelled                                | total  | cancelledAt, else issueDate               |
 * | invoiceCount   | the invoices counted in `invoiced`              | count  | (as invoiced)                             |
 *
 * Wherever issueDate is the last resort and is null too, the month of createdAt is used; an
 * invoice with none of these dates is left out of that measure (WHMCS always sets `date`, so
 * this only happens with damaged rows). `collected` has no fallback: an invoice without a
 * payment date has collected nothing we can place in time.
 */

export const MEASURES = [
  'invoiced',
  'collected',
  'outstanding',
  'creditApplied',
  'refunded',
  'cancelled',
] as const;
export type Measure = (typeof MEASURES)[number];

/** Exact amounts of an invoice, in scale-4 units (parsed once by the caller that has them). */
export interface Amounts {
  total: bigint;
  credit: bigint;
}

/**
 * Calls `add` once per measure one live invoice contributes to: the definitions above, as code.
 * `date` is the date (or local datetime) that places the amount; its month is `date.slice(0, 7)`.
 *
 * @example contribute(invoice, { total: 159500n, credit: 0n }, (measure, date, units) => ...)
 */
export function contribute(
  invoice: Invoice,
  amounts: Amounts,
  add: (measure: Measure, date: string, units: bigint) => void,
): void {
  const { status, issueDate, createdAt, paidAt } = invoice;
  const { total } = amounts;
  const issued = issueDate ?? createdAt;
  if (status !== 'draft' && issued !== null) {
    add('invoiced', issued, total);
    add('creditApplied', issued, amounts.credit);
  }
  if ((status === 'paid' || status === 'refunded') && paidAt !== null) add('collected', paidAt, total);
  if (status === 'unpaid' || status === 'payment_pending' || status === 'collections') {
    const due = invoice.dueDate ?? issued;
    if (due !== null) add('outstanding', due, total);
  }
  if (status === 'refunded') {
    const refunded = invoice.refundedAt ?? paidAt ?? issued;
    if (refunded !== null) add('refunded', refunded, total);
  }
  if (status === 'cancelled') {
    const cancelled = invoice.cancelledAt ?? issued;
    if (cancelled !== null) add('cancelled', cancelled, total);
  }
}

/** The exact amounts the summary sums, from an invoice's decimal strings. */
export function amountsOf(invoice: Invoice): Amounts {
  return { total: toUnits(invoice.total), credit: toUnits(invoice.credit) };
}

/** One cell of the summary table. */
export interface RevenueCell {
  source: string;
  currency: string;
  measure: Measure;
  month: string;
  units: bigint;
  count: number;
}

const MEASURE_INDEX = Object.fromEntries(MEASURES.map((m, i) => [m, i])) as Record<Measure, number>;
const DIGIT = 48;

/** YYYY-MM... to a number, without allocating (this runs for every row of a first sync). */
const monthKey = (date: string, measure: Measure) =>
  ((date.charCodeAt(0) - DIGIT) * 1000 +
    (date.charCodeAt(1) - DIGIT) * 100 +
    (date.charCodeAt(2) - DIGIT) * 10 +
    (date.charCodeAt(3) - DIGIT)) *
    1000 +
  ((date.charCodeAt(5) - DIGIT) * 10 + (date.charCodeAt(6) - DIGIT)) * 10 +
  MEASURE_INDEX[measure];

/**
 * Collects the net change a transaction makes to the summary, so that it is written once per
 * touched cell at commit instead of once per invoice.
 */
export class RevenueDelta {
  /** Cells by source and currency, then by month and measure. */
  readonly #groups = new Map<string, Map<number, RevenueCell>>();

  /** Adds (`sign` 1) or withdraws (`sign` -1) a live invoice's contributions. */
  add(invoice: Invoice, sign: 1 | -1, amounts: Amounts = amountsOf(invoice)): void {
    const { source, currency } = invoice;
    const groupKey = `${source}\u0000${currency}`;
    let group = this.#groups.get(groupKey);
    if (!group) {
      group = new Map();
      this.#groups.set(groupKey, group);
    }
    const cells = group;
    contribute(invoice, amounts, (measure, date, units) => {
      const key = monthKey(date, measure);
      let cell = cells.get(key);
      if (!cell) {
        cell = { source, currency, measure, month: date.slice(0, 7), units: 0n, count: 0 };
        cells.set(key, cell);
      }
      cell.units += sign === 1 ? units : -units;
      cell.count += sign;
    });
  }

  /** The cells that changed (a withdrawal undone by an equal addition drops out). */
  cells(): RevenueCell[] {
    const out: RevenueCell[] = [];
    for (const group of this.#groups.values()) {
      for (const c of group.values()) if (c.count !== 0 || c.units !== 0n) out.push(c);
    }
    return out;
  }
}

/** Writes a transaction's net change into `revenue_monthly`; call inside that transaction. */
export class RevenueWriter {
  readonly #get: Statement<[string, string, string, string], { units: bigint | string; count: bigint }>;
  readonly #update: Statement<[string, bigint, string, string, string, string]>;
  readonly #insert: Statement<[string, string, string, string, string, number]>;
  readonly #drop: Statement<[string, string, string, string]>;

  constructor(db: Db) {
    // Units are exact integers kept as text (a sum outgrows 64 bits long before one invoice
    // does), so the addition happens here, in BigInt, not in SQL.
    const cell = 'month = ? AND currency = ? AND source = ? AND measure = ?';
    this.#get = db
      .prepare<[string, string, string, string], { units: bigint | string; count: bigint }>(
        `SELECT units, count FROM revenue_monthly WHERE ${cell}`,
      )
      .safeIntegers(true);
    this.#update = db.prepare(`UPDATE revenue_monthly SET units = ?, count = ? WHERE ${cell}`);
    this.#insert = db.prepare(
      'INSERT INTO revenue_monthly (month, currency, source, measure, units, count) VALUES (?, ?, ?, ?, ?, ?)',
    );
    // An empty cell is removed, so that a month nothing falls in any more is not reported.
    this.#drop = db.prepare(`DELETE FROM revenue_monthly WHERE ${cell}`);
  }

  write(delta: RevenueDelta): void {
    for (const c of delta.cells()) {
      const key = [c.month, c.currency, c.source, c.measure] as const;
      const row = this.#get.get(...key);
      if (row === undefined) {
        this.#insert.run(...key, c.units.toString(), c.count);
        continue;
      }
      const count = row.count + BigInt(c.count);
      if (count === 0n) this.#drop.run(...key);
      else this.#update.run((BigInt(row.units) + c.units).toString(), count, ...key);
    }
  }
}

/** One row of {@link readRevenue}: exact sums in scale-4 units. */
export interface RevenueSums {
  month: string;
  currency: string;
  source?: string;
  units: Record<Measure, bigint>;
  invoiceCount: number;
}

/**
 * Sums the summary's cells by month and currency (and source), in BigInt: SQL's sum() over
 * 64-bit integers overflows at about 922 trillion, a total two large invoices reach.
 */
export function readRevenue(
  db: Db,
  range: { from: string; to: string; sources?: string[]; bySource: boolean },
): RevenueSums[] {
  const { sources, bySource } = range;
  const filter = sources ? `AND source IN (${sources.map(() => '?').join(', ')})` : '';
  const cells = db
    .prepare<
      unknown[],
      {
        month: string;
        currency: string;
        source: string;
        measure: Measure;
        units: bigint | string;
        count: bigint;
      }
    >(
      `SELECT month, currency, source, measure, units, count FROM revenue_monthly
       WHERE month BETWEEN ? AND ? ${filter} ORDER BY month, currency${bySource ? ', source' : ''}`,
    )
    .safeIntegers(true)
    .all(range.from, range.to, ...(sources ?? []));
  return sumCells(cells, bySource);
}

/** A stored cell as either engine reads it (units as BigInt-parsable text or an integer). */
export interface StoredCell {
  month: string;
  currency: string;
  source: string;
  measure: Measure;
  units: bigint | string;
  count: bigint | number;
}

/** Folds cells, in month and currency (and source) order, into the rows of `revenue()`. */
export function sumCells(cells: Iterable<StoredCell>, bySource: boolean): RevenueSums[] {
  const groups = new Map<string, RevenueSums>();
  for (const c of cells) {
    const key = bySource ? `${c.month}\u0000${c.currency}\u0000${c.source}` : `${c.month}\u0000${c.currency}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        month: c.month,
        currency: c.currency,
        ...(bySource ? { source: c.source } : {}),
        units: Object.fromEntries(MEASURES.map((m) => [m, 0n])) as Record<Measure, bigint>,
        invoiceCount: 0,
      };
      groups.set(key, group);
    }
    group.units[c.measure] += BigInt(c.units);
    if (c.measure === 'invoiced') group.invoiceCount += Number(c.count);
  }
  return [...groups.values()];
}

/** Recomputes the whole summary from the live invoices (a migration's backfill). */
export function rebuildRevenue(db: Db): void {
  db.exec('DELETE FROM revenue_monthly');
  const delta = new RevenueDelta();
  const rows = db.prepare<[], string>('SELECT json(data) FROM invoices WHERE deleted_at IS NULL').pluck();
  for (const data of rows.iterate()) delta.add(JSON.parse(data) as Invoice, 1);
  new RevenueWriter(db).write(delta);
}
