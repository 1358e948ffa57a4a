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

export interface Contribution {
  measure: Measure;
  month: string;
  units: bigint;
}

const OUTSTANDING = new Set(['unpaid', 'payment_pending', 'collections']);

const month = (...candidates: Array<string | null>): string | undefined => {
  for (const c of candidates) if (c) return c.slice(0, 7);
  return undefined;
};

/** What one live invoice adds to the monthly revenue summary. */
export function contributions(invoice: Invoice): Contribution[] {
  const out: Contribution[] = [];
  const { status } = invoice;
  const total = toUnits(invoice.total);
  const add = (measure: Measure, m: string | undefined, units: bigint) => {
    if (m !== undefined) out.push({ measure, month: m, units });
  };
  const issued = month(invoice.issueDate, invoice.createdAt);
  if (status !== 'draft') {
    add('invoiced', issued, total);
    add('creditApplied', issued, toUnits(invoice.credit));
  }
  if ((status === 'paid' || status === 'refunded') && invoice.paidAt) {
    add('collected', month(invoice.paidAt), total);
  }
  if (OUTSTANDING.has(status))
    add('outstanding', month(invoice.dueDate, invoice.issueDate, invoice.createdAt), total);
  if (status === 'refunded') {
    add('refunded', month(invoice.refundedAt, invoice.paidAt, invoice.issueDate, invoice.createdAt), total);
  }
  if (status === 'cancelled') {
    add('cancelled', month(invoice.cancelledAt, invoice.issueDate, invoice.createdAt), total);
  }
  return out;
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

/**
 * Collects the net change a transaction makes to the summary, so that it is written once per
 * touched cell at commit instead of once per invoice.
 */
export class RevenueDelta {
  readonly #cells = new Map<string, RevenueCell>();

  /** Adds (`sign` 1) or withdraws (`sign` -1) a live invoice's contributions. */
  add(invoice: Invoice, sign: 1 | -1): void {
    for (const c of contributions(invoice)) {
      const key = `${invoice.source}\u0000${invoice.currency}\u0000${c.measure}\u0000${c.month}`;
      let cell = this.#cells.get(key);
      if (!cell) {
        cell = {
          source: invoice.source,
          currency: invoice.currency,
          measure: c.measure,
          month: c.month,
          units: 0n,
          count: 0,
        };
        this.#cells.set(key, cell);
      }
      cell.units += sign === 1 ? c.units : -c.units;
      cell.count += sign;
    }
  }

  /** The cells that changed (a withdrawal undone by an equal addition drops out). */
  cells(): RevenueCell[] {
    return [...this.#cells.values()].filter((c) => c.count !== 0 || c.units !== 0n);
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
