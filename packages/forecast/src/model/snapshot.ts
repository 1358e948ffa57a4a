import type { LedgerInvoice } from '../ledger.ts';

/*
 * The invoices as they could be seen at the end of an origin day T: the only input of the
 * forecast. Every field is a fact dated on or before T (or known when the invoice was issued),
 * so that a forecast "as of T" cannot use the future: a payment after T is no payment, an
 * invoice issued after T does not exist. Changing anything dated after T leaves the snapshot,
 * and so the forecast, unchanged (the property test in forecast.test.ts).
 */

export interface SeenInvoice {
  source: string;
  currency: string;
  client: number;
  id: number;
  issue: number;
  /** The due date (the issue date when WHMCS has none). */
  due: number;
  /** Amounts as float units (scale 4): the model estimates, it never sums money for a figure. */
  total: number;
  gross: number;
  /** Day paid, when on or before T. */
  paid: number | null;
  /** Day cancelled, when on or before T. */
  cancelled: number | null;
}

/** Days after its due date an undated cancellation (7.x field sets) is placed, for the model only. */
export const UNDATED_CANCEL_LAG = 30;

/**
 * The day an invoice cancelled without a date of its own (WHMCS 7.x answers neither a cancel
 * date nor an update time) is placed: UNDATED_CANCEL_LAG days after its due date, but never
 * after `dataAsOf`, the day the sync saw it cancelled. Without that bound, an invoice due in the
 * last 30 days and already cancelled looked open to a forecast made today, and was forecast to be
 * paid. At a past origin (T < dataAsOf) the bound changes nothing: the guess stays due + lag.
 */
export const undatedCancelDay = (due: number, dataAsOf: number): number =>
  Math.min(due + UNDATED_CANCEL_LAG, dataAsOf);

/**
 * Reads invoice `i` as seen at the end of day `t` into `out` (reused: no object per invoice);
 * false when the snapshot leaves it out (a draft, no issue date, issued after T, or settled
 * without a payment date: no day to learn from). `dataAsOf` is the day the ledger's statuses
 * were read (the last sync): a status seen then was reached by then.
 */
export function seenInto(i: LedgerInvoice, t: number, dataAsOf: number, out: SeenInvoice): boolean {
  if (!inSnapshot(i, t) || i.issue === null) return false;
  const due = i.due ?? i.issue;
  let paid: number | null = null;
  let cancelled: number | null = null;
  switch (i.status) {
    case 'paid':
    case 'refunded':
    case 'collections':
      // Cash came in on the payment day; a later refund or reversal is cash going out, apart.
      paid = i.paid !== null && i.paid <= t ? i.paid : null;
      break;
    case 'cancelled': {
      const on = i.cancelled ?? i.updated ?? undatedCancelDay(due, dataAsOf);
      cancelled = on <= t ? on : null;
      break;
    }
    default:
      break;
  }
  // Credit settles an invoice on the day it is applied (a mass payment, a credit balance): an
  // invoice paid after T with credit still owed its gross at T. The total it shows now would
  // leak that later settlement into the past.
  // Floats from here (no bigint arithmetic: it allocates, a million times per forecast).
  const gross = Number(i.subtotal) + Number(i.tax) + Number(i.tax2);
  out.source = i.source;
  out.currency = i.currency;
  out.client = i.client;
  out.id = i.id;
  out.issue = i.issue;
  out.due = due;
  out.total = paid === null && i.paid !== null && i.credit > 0n ? gross : Number(i.total);
  out.gross = gross;
  out.paid = paid;
  out.cancelled = cancelled;
  return true;
}

/** True when the snapshot at the end of `t` has invoice `i` (see {@link seenInto}). */
export function inSnapshot(i: LedgerInvoice, t: number): boolean {
  if (i.status === 'draft' || i.issue === null || i.issue > t) return false;
  const settled = i.status === 'paid' || i.status === 'refunded' || i.status === 'collections';
  return !settled || i.paid !== null;
}

/** A blank snapshot row to read into. */
export const blankSeen = (): SeenInvoice => ({
  source: '',
  currency: '',
  client: 0,
  id: 0,
  issue: 0,
  due: 0,
  total: 0,
  gross: 0,
  paid: null,
  cancelled: null,
});

/**
 * The snapshot of a ledger read on `dataAsOf` at the end of day `t`, in ledger order. Drafts,
 * invoices without an issue date, and settled ones without a payment date (no day to learn
 * from) are left out. (The model reads the same rows as columns: seen-columns.ts.)
 */
export function snapshotAt(ledger: readonly LedgerInvoice[], t: number, dataAsOf: number): SeenInvoice[] {
  const out: SeenInvoice[] = [];
  for (const i of ledger) {
    const s = blankSeen();
    if (seenInto(i, t, dataAsOf, s)) out.push(s);
  }
  return out;
}

/** True when the invoice was owed at the end of `t`. */
export const isOpen = (s: SeenInvoice): boolean => s.paid === null && s.cancelled === null;
