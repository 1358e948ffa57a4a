import type { InvoiceStatus } from '@forecaster/whmcs-client';
import { dayOf } from '../dates.ts';
import type { LedgerInvoice } from '../ledger.ts';
import { seededRandom } from '../model/random.ts';

/** The model's seeded PRNG, for generated test data. */
export const prng = seededRandom;

const STATUSES: InvoiceStatus[] = [
  'draft',
  'unpaid',
  'paid',
  'cancelled',
  'refunded',
  'collections',
  'payment_pending',
];

/**
 * Invoices with every status, missing dates, zero and huge amounts, several sources and
 * currencies: for brute-force comparisons, not for realism.
 */
export function randomLedger(seed: number, n: number): LedgerInvoice[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const start = dayOf('2021-01-01');
  const maybe = (p: number, v: number) => (r() < p ? null : v);
  const out: LedgerInvoice[] = [];
  for (let id = 1; id <= n; id++) {
    const status = pick(STATUSES);
    const issue = start + Math.floor(r() * 1400);
    const due = issue + Math.floor(r() * 30);
    const paid = due + Math.floor(r() * 120) - 20;
    const huge = r() < 0.02;
    const sub = huge ? 99_999_999_999_999_99n * 100n : BigInt(Math.floor(r() * 100_000)) * 100n;
    const tax = (sub / 5n / 100n) * 100n;
    const credit = r() < 0.2 ? BigInt(Math.floor(r() * 1000)) * 100n : 0n;
    const gross = sub + tax;
    out.push({
      source: pick(['eu', 'us', 'asia']),
      id,
      client: Math.floor(r() * 40),
      currency: pick(['EUR', 'USD', 'GBP']),
      status,
      issue: maybe(0.02, issue),
      due: maybe(0.03, due),
      paid:
        status === 'paid' || status === 'refunded' || status === 'collections'
          ? maybe(0.05, paid)
          : maybe(0.97, paid),
      refunded: status === 'refunded' ? maybe(0.3, paid + Math.floor(r() * 60)) : null,
      cancelled: status === 'cancelled' ? maybe(0.3, due + Math.floor(r() * 90)) : null,
      updated: maybe(0.3, paid + Math.floor(r() * 90)),
      subtotal: sub,
      tax,
      tax2: 0n,
      credit,
      total: gross > credit ? gross - credit : 0n,
    });
  }
  return out;
}
