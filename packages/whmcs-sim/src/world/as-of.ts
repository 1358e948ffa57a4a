import type { InvoiceStore } from '../invoice-store.ts';
import { STATUS_CODE } from '../invoice-store.ts';
import { ZERO_TIME } from '../local-time.ts';
import { DAY_SECONDS } from './calendar.ts';
import type { WorldColumns } from './world-columns.ts';

const UNPAID = STATUS_CODE.Unpaid;
const PAID = STATUS_CODE.Paid;
const CANCELLED = STATUS_CODE.Cancelled;
const REFUNDED = STATUS_CODE.Refunded;
const COLLECTIONS = STATUS_CODE.Collections;
const PENDING = STATUS_CODE['Payment Pending'];

/** An event time as seen at `t`: itself when it has happened, else the zero datetime. */
function seen(time: number, t: number): number {
  return time !== 0 && time <= t ? time : ZERO_TIME;
}

/** Invoices created at or before `t` (ids are in creation order, so a binary search). */
export function countCreated(columns: WorldColumns, size: number, t: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (columns.createdAt[mid + 1]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The status code of invoice `id` at naive second `t` (the invoice exists by then). */
export function statusAt(c: WorldColumns, id: number, t: number): number {
  if (seen(c.cancelledAt[id]!, t)) return CANCELLED;
  if (seen(c.collectionsAt[id]!, t)) return COLLECTIONS;
  if (seen(c.refundedAt[id]!, t)) return REFUNDED;
  if (seen(c.paidAt[id]!, t)) return PAID;
  if (seen(c.pendingAt[id]!, t)) return PENDING;
  return UNPAID;
}

/** The last card capture attempt by `t`: daily from the first until paid or cancelled. */
function lastCapture(c: WorldColumns, id: number, t: number): number {
  const from = c.captureFrom[id]!;
  if (from === 0 || from > t) return ZERO_TIME;
  const paid = c.paidAt[id]!;
  if (paid !== 0 && paid <= t && c.massPaid[id] === 0) return paid;
  const cancelled = c.cancelledAt[id]!;
  const stop = cancelled !== 0 && cancelled <= t ? cancelled : t;
  if (stop < from) return ZERO_TIME;
  return from + Math.floor((stop - from) / DAY_SECONDS) * DAY_SECONDS;
}

/**
 * Writes the world as WHMCS held it at naive second `t` into the simulator's store: rows 1..n for
 * the invoices created by then, each with the status, dates and totals it had at `t`. Returns the
 * next instant at which anything would change (a later event), so a caller can skip rewrites.
 */
export function materializeAsOf(
  c: WorldColumns,
  size: number,
  gateways: readonly string[],
  store: InvoiceStore,
  t: number,
): number {
  const n = countCreated(c, size, t);
  store.reserve(size);
  if (store.gateways.length === 0) for (const gateway of gateways) store.gatewayCode(gateway);
  let next = n < size ? c.createdAt[n + 1]! : Number.POSITIVE_INFINITY;
  const later = (time: number) => {
    if (time > t && time < next) next = time;
  };
  for (let id = 1; id <= n; id++) {
    store.exists[id] = 1;
    store.userid[id] = c.userid[id]!;
    store.invoicenum[id] = 0;
    const created = c.createdAt[id]!;
    store.date[id] = Math.floor(created / DAY_SECONDS);
    store.duedate[id] = c.dueDay[id]!;
    const paid = seen(c.paidAt[id]!, t);
    const cancelled = seen(c.cancelledAt[id]!, t);
    const refunded = seen(c.refundedAt[id]!, t);
    const collections = seen(c.collectionsAt[id]!, t);
    const pending = seen(c.pendingAt[id]!, t);
    const capture = lastCapture(c, id, t);
    store.datepaid[id] = paid;
    store.dateRefunded[id] = refunded;
    store.dateCancelled[id] = cancelled;
    store.lastCaptureAttempt[id] = capture;
    store.subtotal[id] = c.subtotal[id]!;
    store.tax[id] = c.tax[id]!;
    store.tax2[id] = c.tax2[id]!;
    const gross = c.subtotal[id]! + c.tax[id]! + c.tax2[id]!;
    // A mass payment applies credit to the invoice: from then its credit holds it all and total is 0.
    const credit = c.massPaid[id] === 1 && paid !== ZERO_TIME ? gross : c.credit[id]!;
    store.credit[id] = credit;
    store.total[id] = gross - credit;
    store.taxrate[id] = c.taxrate[id]!;
    store.taxrate2[id] = c.taxrate2[id]!;
    store.status[id] = statusAt(c, id, t);
    store.paymentmethod[id] = c.gateway[id]!;
    store.paymethodid[id] = c.paymethodid[id]!;
    store.createdAt[id] = created;
    store.updatedAt[id] = Math.max(created, paid, cancelled, refunded, collections, pending, capture);
    later(c.paidAt[id]!);
    later(c.cancelledAt[id]!);
    later(c.refundedAt[id]!);
    later(c.collectionsAt[id]!);
    later(c.pendingAt[id]!);
    const from = c.captureFrom[id]!;
    if (from > t) later(from);
    else if (from !== 0 && capture !== ZERO_TIME && store.status[id] === UNPAID) later(capture + DAY_SECONDS);
  }
  for (let id = n + 1; id <= store.maxId; id++) store.exists[id] = 0;
  store.maxId = n;
  store.size = n;
  store.generation++;
  return next;
}

/** True when the status code counts as settled at some point (Paid, or Paid then reversed/refunded). */
export function isSettledCode(code: number): boolean {
  return code === PAID || code === REFUNDED || code === COLLECTIONS;
}
