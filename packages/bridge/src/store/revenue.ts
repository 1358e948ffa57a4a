import type { Invoice } from '@forecaster/whmcs-client';
import type { Database as Db, Statement } from 'better-sqlite3';
import { toUnits } from './money.ts';

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
  readonly #update: Statement<[bigint, number, string, string, string, string], { count: bigint }>;
  readonly #insert: Statement<[string, string, string, string, bigint, number]>;
  readonly #drop: Statement<[string, string, string, string]>;

  constructor(db: Db) {
    // Update first, insert when missing: an upsert would check `count >= 0` on the row it
    // tries to insert, which a withdrawal (a negative count) always fails.
    const cell = 'month = ? AND currency = ? AND source = ? AND measure = ?';
    this.#update = db
      .prepare<[bigint, number, string, string, string, string], { count: bigint }>(
        `UPDATE revenue_monthly SET units = units + ?, count = count + ? WHERE ${cell} RETURNING count`,
      )
      .safeIntegers(true);
    this.#insert = db.prepare(
      'INSERT INTO revenue_monthly (month, currency, source, measure, units, count) VALUES (?, ?, ?, ?, ?, ?)',
    );
    // An empty cell is removed, so that a month nothing falls in any more is not reported.
    this.#drop = db.prepare(`DELETE FROM revenue_monthly WHERE ${cell}`);
  }

  write(delta: RevenueDelta): void {
    for (const c of delta.cells()) {
      const row = this.#update.get(c.units, c.count, c.month, c.currency, c.source, c.measure);
      if (row === undefined) this.#insert.run(c.month, c.currency, c.source, c.measure, c.units, c.count);
      else if (row.count === 0n) this.#drop.run(c.month, c.currency, c.source, c.measure);
    }
  }
}

/** Recomputes the whole summary from the live invoices (a migration's backfill). */
export function rebuildRevenue(db: Db): void {
  db.exec('DELETE FROM revenue_monthly');
  const delta = new RevenueDelta();
  const rows = db.prepare<[], string>('SELECT data FROM invoices WHERE deleted_at IS NULL').pluck();
  for (const data of rows.iterate()) delta.add(JSON.parse(data) as Invoice, 1);
  new RevenueWriter(db).write(delta);
}
