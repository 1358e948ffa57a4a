import { type Invoice, type InvoiceStatus, toUnits } from '@forecaster/whmcs-client';
import type { z } from 'zod';
import { dayOf } from './dates.ts';
import type { dataQualitySchema } from './schemas.ts';
import { drain, STEP_SLICE, type Steps } from './steps.ts';

/*
 * The canonical invoice view every figure and forecast reads (design notes §4.2): the
 * normalized invoice reduced to what the arithmetic needs, dates as day numbers of the WHMCS
 * server's own calendar (the local date written in each string), money as exact units.
 */

/** One invoice as the figures see it. */
export interface LedgerInvoice {
  source: string;
  id: number;
  /** WHMCS's client id: a client is (source, client). */
  client: number;
  currency: string;
  /** The status now (as last synced). */
  status: InvoiceStatus;
  /** Day numbers (see dates.ts); null when WHMCS has none. */
  issue: number | null;
  due: number | null;
  /** The local date of `datepaid`: the day the invoice became fully paid. */
  paid: number | null;
  /** `date_refunded` (WHMCS 8.3+ field sets only). */
  refunded: number | null;
  /** `date_cancelled` (WHMCS 8.3+ field sets only). */
  cancelled: number | null;
  /** `updated_at`: bounds the date of an undated status change from above. */
  updated: number | null;
  subtotal: bigint;
  tax: bigint;
  tax2: bigint;
  credit: bigint;
  total: bigint;
}

/** The gross amount billed: subtotal + tax + tax2 (credit is a way of paying, not a discount). */
export const grossOf = (i: LedgerInvoice): bigint => i.subtotal + i.tax + i.tax2;

const day = (text: string | null): number | null => (text === null ? null : dayOf(text));

/**
 * The ledger view of a normalized invoice.
 *
 * @example toLedger(invoice).total // 159500n for "15.95"
 */
export function toLedger(invoice: Invoice): LedgerInvoice {
  return {
    source: invoice.source,
    id: invoice.id,
    client: invoice.clientId,
    currency: invoice.currency,
    status: invoice.status,
    issue: day(invoice.issueDate),
    due: day(invoice.dueDate),
    paid: day(invoice.paidAt),
    refunded: day(invoice.refundedAt),
    cancelled: day(invoice.cancelledAt),
    updated: day(invoice.updatedAt),
    subtotal: toUnits(invoice.subtotal),
    tax: toUnits(invoice.tax),
    tax2: toUnits(invoice.tax2),
    credit: toUnits(invoice.credit),
    total: toUnits(invoice.total),
  };
}

/** Counts of rows a figure left out or could only place approximately (design notes §4.2). */
export type DataQuality = z.infer<typeof dataQualitySchema>;

/** Data quality counts over a ledger. */
export function dataQuality(ledger: Iterable<LedgerInvoice>): DataQuality {
  return drain(dataQualitySteps(ledger));
}

/** {@link dataQuality}, yielding every {@link STEP_SLICE} invoices. */
export function* dataQualitySteps(ledger: Iterable<LedgerInvoice>): Steps<DataQuality> {
  const q: DataQuality = {
    drafts: 0,
    noIssueDate: 0,
    totalMismatch: 0,
    paidDateOnUnsettled: 0,
    settledWithoutPaidDate: 0,
  };
  let seen = 0;
  for (const i of ledger) {
    if (++seen % STEP_SLICE === 0) yield;
    if (i.status === 'draft') {
      q.drafts++;
      continue;
    }
    if (i.issue === null) q.noIssueDate++;
    const owed = grossOf(i) - i.credit;
    if (i.total !== (owed > 0n ? owed : 0n)) q.totalMismatch++;
    const settled = i.status === 'paid' || i.status === 'refunded' || i.status === 'collections';
    if (settled && i.paid === null) q.settledWithoutPaidDate++;
    if (!settled && i.paid !== null) q.paidDateOnUnsettled++;
  }
  return q;
}

/** True for the invoices every figure counts: not drafts, with an issue date. */
export const counted = (i: LedgerInvoice): boolean => i.status !== 'draft' && i.issue !== null;
