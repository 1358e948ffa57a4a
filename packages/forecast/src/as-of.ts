import type { LedgerInvoice } from './ledger.ts';

/*
 * What an invoice was on a past day D, from what the invoice itself says (design notes §4.2,
 * §4.3). Only facts dated on or before D are used, so that a report or a forecast "as of D"
 * cannot see the future:
 *
 * - it exists from its issue date;
 * - it is settled from its payment date; refunded from `date_refunded`;
 * - it is cancelled from `date_cancelled`, else from `updated_at` (an upper bound: the change
 *   happened by then), else the day is unknown;
 * - a Collections invoice (a reversed payment) was paid from its payment date and disputed from
 *   `updated_at`; a Payment Pending one is pending from `updated_at`.
 *
 * On or after `dataAsOf` (the last sync) the current status is exact. Before it, a change whose
 * day is unknown (WHMCS 7.x field sets, which have no `date_cancelled` or `updated_at`) makes the
 * state `unknown`: reports leave such invoices out and say how many.
 */

export type StateAt =
  | 'absent' // a draft, no issue date, or issued after D
  | 'open' // owed at D
  | 'paid'
  | 'refunded'
  | 'cancelled'
  | 'collections'
  | 'unknown';

/** The state of an invoice at the end of day `d`, and whether it awaited a payment's clearing. */
export function stateAt(i: LedgerInvoice, d: number, dataAsOf: number): StateAt {
  if (i.status === 'draft' || i.issue === null || i.issue > d) return 'absent';
  const current = d >= dataAsOf;
  switch (i.status) {
    case 'unpaid':
    case 'payment_pending':
      return 'open';
    case 'paid':
      if (i.paid === null) return current ? 'paid' : 'unknown';
      return i.paid <= d ? 'paid' : 'open';
    case 'refunded': {
      if (i.refunded !== null && i.refunded <= d) return 'refunded';
      if (i.paid !== null) {
        if (i.paid > d) return 'open';
        return current ? 'refunded' : 'paid';
      }
      return current ? 'refunded' : 'unknown';
    }
    case 'collections': {
      if (i.paid !== null && i.paid > d) return 'open';
      const disputedFrom = i.updated;
      if (disputedFrom !== null && disputedFrom <= d) return 'collections';
      if (current) return 'collections';
      if (i.paid !== null) return disputedFrom !== null ? 'paid' : 'unknown';
      return disputedFrom !== null ? 'open' : 'unknown';
    }
    case 'cancelled': {
      const on = i.cancelled ?? i.updated;
      if (on !== null) return on <= d ? 'cancelled' : 'open';
      return current ? 'cancelled' : 'unknown';
    }
  }
}

/** True when an open invoice at `d` was Payment Pending then (only knowable from `updated_at`). */
export function pendingAt(i: LedgerInvoice, d: number, dataAsOf: number): boolean {
  if (i.status !== 'payment_pending') return false;
  return d >= dataAsOf || (i.updated !== null && i.updated <= d);
}
