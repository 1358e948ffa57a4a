import type { LedgerInvoice } from './ledger.ts';
import { LedgerColumns, NO_DAY, STATUSES } from './ledger-columns.ts';

/*
 * The cash that came in, from either shape of the ledger: the backtest's actuals and the track
 * record's read it row by row in ledger order, so sums add in the same order over both shapes.
 */

/** Status codes whose invoice was settled (paid, later refunded or reversed). */
const SETTLED = Uint8Array.from(STATUSES, (s) =>
  s === 'paid' || s === 'refunded' || s === 'collections' ? 1 : 0,
);

/**
 * One payment: the invoice's source and currency, the day it was paid, its total in float units,
 * and whether it has an issue date (the backtest leaves out those without: the snapshot does).
 */
export type PaymentVisitor = (
  source: string,
  currency: string,
  paid: number,
  total: number,
  issued: boolean,
) => void;

/**
 * Visits every settled invoice with a payment day, in ledger order.
 *
 * @example forEachPayment(ledger, (source, currency, paid, total) => sum += total)
 */
export function forEachPayment(
  ledger: readonly LedgerInvoice[] | LedgerColumns,
  visit: PaymentVisitor,
): void {
  if (ledger instanceof LedgerColumns) {
    const { status, paid, issue, total, source, currency, sources, currencies } = ledger;
    for (let k = 0; k < ledger.length; k++) {
      const day = paid[k] as number;
      if (SETTLED[status[k] as number] === 0 || day === NO_DAY) continue;
      visit(
        sources[source[k] as number] as string,
        currencies[currency[k] as number] as string,
        day,
        total[k] as number,
        issue[k] !== NO_DAY,
      );
    }
    return;
  }
  for (const i of ledger) {
    const settled = i.status === 'paid' || i.status === 'refunded' || i.status === 'collections';
    if (!settled || i.paid === null) continue;
    visit(i.source, i.currency, i.paid, Number(i.total), i.issue !== null);
  }
}
