import { formatUnits } from '@forecaster/whmcs-client';
import type { z } from 'zod';
import { pendingAt, stateAt } from './as-of.ts';
import { pushTo } from './collections.ts';
import { grossOf, type LedgerInvoice } from './ledger.ts';
import { convertUnits, crossRate, type RateSet } from './rates.ts';
import type { receivablesRowSchema } from './schemas.ts';
import { drain, STEP_SLICE, type Steps } from './steps.ts';

/*
 * Receivables at the end of a day D (design notes §4.3, GET /v1/receivables): a stock.
 *
 * Open at D: issued on or before D, and at D neither settled nor cancelled nor in Collections
 * (see as-of.ts). Amount: `total` (GetInvoices cannot show partial payments, so an invoice
 * counts in full until it is fully paid). Age d = D - due date (issue date when there is none),
 * in half-open buckets: not due (d <= 0), 1-30, 31-60, 61-90, over 90; each open invoice in
 * exactly one. Collections at D is `disputed`, apart and never in the buckets.
 */

export const AGE_BUCKETS = ['notDue', 'd1to30', 'd31to60', 'd61to90', 'over90'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

/** The bucket of an age in days past due. */
export function bucketOf(daysPastDue: number): AgeBucket {
  if (daysPastDue <= 0) return 'notDue';
  if (daysPastDue <= 30) return 'd1to30';
  if (daysPastDue <= 60) return 'd31to60';
  if (daysPastDue <= 90) return 'd61to90';
  return 'over90';
}

export const RECEIVABLES_DEFINITIONS = {
  buckets:
    'Sum of total of invoices open at the end of asOf (issued by then, not yet paid, cancelled or in Collections), by days past the due date: notDue <= 0 < d1to30 <= 30 < d31to60 <= 60 < d61to90 <= 90 < over90',
  open: 'Sum of the buckets',
  paymentPending: 'The part of open whose status at asOf was Payment Pending (included in the buckets)',
  disputed:
    'Sum of total of invoices in Collections at asOf (a reversed payment is owed again): apart, never in the buckets',
  dso: 'open / invoicedGross of the dsoDays days ending at asOf x dsoDays (null when nothing was invoiced)',
  approximate:
    'Invoices whose state at asOf cannot be known from their own dates (no date_cancelled and no updated_at before the first sync): left out, counted here',
} as const;

export interface ReceivablesOptions {
  asOf: number;
  /** The last sync: on or after it, the current statuses are exact. */
  dataAsOf: number;
  dsoDays?: number;
  /** Adds the invoice ids behind each cell. */
  explain?: boolean;
  /** Adds the amounts converted at the closing rate of asOf. */
  convert?: { rates: RateSet; to: string };
}

interface Acc {
  source: string;
  currency: string;
  buckets: Record<AgeBucket, bigint>;
  counts: Record<AgeBucket, number>;
  pending: bigint;
  pendingCount: number;
  disputed: bigint;
  disputedCount: number;
  invoicedWindow: bigint;
  approximate: number;
  invoices: Partial<Record<AgeBucket | 'disputed', string[]>>;
}

export type ReceivablesRow = z.infer<typeof receivablesRowSchema>;

/**
 * Receivables at the end of `asOf`, per source and currency, with `all` rows per currency first.
 *
 * @example receivables(ledger, { asOf: dayOf('2024-06-30'), dataAsOf: dayOf('2024-07-01') })
 */
export function receivables(ledger: Iterable<LedgerInvoice>, options: ReceivablesOptions): ReceivablesRow[] {
  return drain(receivablesSteps(ledger, options));
}

/** {@link receivables}, yielding every {@link STEP_SLICE} invoices. */
export function* receivablesSteps(
  ledger: Iterable<LedgerInvoice>,
  options: ReceivablesOptions,
): Steps<ReceivablesRow[]> {
  const { asOf, dataAsOf } = options;
  const dsoDays = options.dsoDays ?? 90;
  const accs = new Map<string, Acc>();
  const acc = (source: string, currency: string): Acc => {
    const key = `${source}\u0000${currency}`;
    let a = accs.get(key);
    if (!a) {
      a = {
        source,
        currency,
        buckets: { notDue: 0n, d1to30: 0n, d31to60: 0n, d61to90: 0n, over90: 0n },
        counts: { notDue: 0, d1to30: 0, d31to60: 0, d61to90: 0, over90: 0 },
        pending: 0n,
        pendingCount: 0,
        disputed: 0n,
        disputedCount: 0,
        invoicedWindow: 0n,
        approximate: 0,
        invoices: {},
      };
      accs.set(key, a);
    }
    return a;
  };
  let seen = 0;
  for (const i of ledger) {
    if (++seen % STEP_SLICE === 0) yield;
    const state = stateAt(i, asOf, dataAsOf);
    if (state === 'absent') continue;
    const both = [acc('all', i.currency), acc(i.source, i.currency)];
    for (const a of both) {
      if (state === 'unknown') {
        a.approximate++;
        continue;
      }
      if (state !== 'cancelled' && (i.issue as number) > asOf - dsoDays) a.invoicedWindow += grossOf(i);
      if (state === 'collections') {
        a.disputed += i.total;
        a.disputedCount++;
        if (options.explain) pushTo(a.invoices, 'disputed', `${i.source}:${i.id}`);
      } else if (state === 'open') {
        const bucket = bucketOf(asOf - (i.due ?? (i.issue as number)));
        a.buckets[bucket] += i.total;
        a.counts[bucket]++;
        if (pendingAt(i, asOf, dataAsOf)) {
          a.pending += i.total;
          a.pendingCount++;
        }
        if (options.explain) pushTo(a.invoices, bucket, `${i.source}:${i.id}`);
      }
    }
  }
  return [...accs.values()]
    .sort(
      (a, b) =>
        (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0) ||
        (a.source === 'all' ? -1 : 0) - (b.source === 'all' ? -1 : 0) ||
        (a.source < b.source ? -1 : a.source > b.source ? 1 : 0),
    )
    .map((a) => {
      const open = Object.values(a.buckets).reduce((s, x) => s + x, 0n);
      const openCount = Object.values(a.counts).reduce((s, x) => s + x, 0);
      const row: ReceivablesRow = {
        source: a.source,
        currency: a.currency,
        buckets: mapBuckets(a.buckets, formatUnits),
        counts: a.counts,
        open: formatUnits(open),
        openCount,
        paymentPending: formatUnits(a.pending),
        paymentPendingCount: a.pendingCount,
        disputed: formatUnits(a.disputed),
        disputedCount: a.disputedCount,
        invoicedGrossWindow: formatUnits(a.invoicedWindow),
        dso:
          a.invoicedWindow > 0n
            ? Math.round((Number(open) / Number(a.invoicedWindow)) * dsoDays * 10) / 10
            : null,
        approximate: a.approximate,
      };
      if (options.convert) {
        const cross = crossRate(options.convert.rates, a.currency, options.convert.to, asOf);
        const conv = (u: bigint) => (cross ? formatUnits(convertUnits(u, cross)) : null);
        row.converted = {
          currency: options.convert.to,
          rate: cross?.used ?? null,
          // The closing rate of asOf applies to the whole stock: each bucket is converted once.
          buckets: cross ? mapBuckets(a.buckets, (u) => formatUnits(convertUnits(u, cross))) : null,
          open: conv(open),
          disputed: conv(a.disputed),
        };
      }
      if (options.explain) row.invoices = a.invoices;
      return row;
    });
}

function mapBuckets<T>(b: Record<AgeBucket, bigint>, f: (u: bigint) => T): Record<AgeBucket, T> {
  return {
    notDue: f(b.notDue),
    d1to30: f(b.d1to30),
    d31to60: f(b.d31to60),
    d61to90: f(b.d61to90),
    over90: f(b.over90),
  };
}
