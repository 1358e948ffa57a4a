import { formatUnits } from '@forecaster/whmcs-client';
import { describe, expect, it } from 'vitest';
import { dayOf } from './dates.ts';
import type { LedgerInvoice } from './ledger.ts';
import { parseRates } from './rates.ts';
import { AGE_BUCKETS, bucketOf, receivables } from './receivables.ts';
import { randomLedger } from './testing/random-ledger.ts';

const DATA_AS_OF = dayOf('2025-01-01');

/** Open at D written out again from the definitions, without as-of.ts. */
function openAt(i: LedgerInvoice, d: number): 'open' | 'collections' | 'other' | 'unknown' {
  if (i.status === 'draft' || i.issue === null || i.issue > d) return 'other';
  const now = d >= DATA_AS_OF;
  if (i.status === 'unpaid' || i.status === 'payment_pending') return 'open';
  if (i.status === 'cancelled') {
    const on = i.cancelled ?? i.updated;
    if (on === null) return now ? 'other' : 'unknown';
    return on > d ? 'open' : 'other';
  }
  if (i.status === 'collections') {
    if (i.paid !== null && i.paid > d) return 'open';
    if (i.updated !== null && i.updated <= d) return 'collections';
    if (now) return 'collections';
    if (i.updated === null) return 'unknown';
    return i.paid === null ? 'open' : 'other';
  }
  // paid, refunded
  if (i.paid === null) {
    if (i.status === 'refunded' && i.refunded !== null && i.refunded <= d) return 'other';
    return now ? 'other' : 'unknown';
  }
  if (i.status === 'refunded' && i.refunded !== null && i.refunded <= d) return 'other';
  return i.paid > d ? 'open' : 'other';
}

describe('receivables', () => {
  it('puts every open invoice in exactly one half-open bucket', () => {
    expect([-5, 0, 1, 30, 31, 60, 61, 90, 91].map(bucketOf)).toEqual([
      'notDue',
      'notDue',
      'd1to30',
      'd1to30',
      'd31to60',
      'd31to60',
      'd61to90',
      'd61to90',
      'over90',
    ]);
  });

  it('equals a brute-force recomputation exactly, at every asOf', () => {
    const ledger = randomLedger(11, 2000);
    for (let asOf = dayOf('2021-01-01'); asOf <= dayOf('2025-03-01'); asOf += 37) {
      const rows = receivables(ledger, { asOf, dataAsOf: DATA_AS_OF, dsoDays: 90 });
      for (const row of rows) {
        const mine = ledger.filter(
          (i) => (row.source === 'all' || i.source === row.source) && i.currency === row.currency,
        );
        const open = mine.filter((i) => openAt(i, asOf) === 'open');
        for (const b of AGE_BUCKETS) {
          const inB = open.filter((i) => bucketOf(asOf - (i.due ?? (i.issue as number))) === b);
          expect(row.buckets[b]).toBe(formatUnits(inB.reduce((s, i) => s + i.total, 0n)));
          expect(row.counts[b]).toBe(inB.length);
        }
        expect(row.open).toBe(formatUnits(open.reduce((s, i) => s + i.total, 0n)));
        const disputed = mine.filter((i) => openAt(i, asOf) === 'collections');
        expect(row.disputed).toBe(formatUnits(disputed.reduce((s, i) => s + i.total, 0n)));
        expect(row.approximate).toBe(mine.filter((i) => openAt(i, asOf) === 'unknown').length);
      }
    }
  });

  it('at the last sync, the open set is exactly the invoices now Unpaid or Payment Pending', () => {
    const ledger = randomLedger(12, 1000);
    const [all] = receivables(ledger, { asOf: DATA_AS_OF + 10, dataAsOf: DATA_AS_OF }).filter(
      (r) => r.source === 'all' && r.currency === 'EUR',
    );
    const now = ledger.filter(
      (i) =>
        i.currency === 'EUR' && i.issue !== null && (i.status === 'unpaid' || i.status === 'payment_pending'),
    );
    expect(all?.openCount).toBe(now.length);
    expect(all?.paymentPendingCount).toBe(now.filter((i) => i.status === 'payment_pending').length);
    expect(all?.approximate).toBe(0);
  });

  it('lists the invoices behind each cell, computes DSO and converts at the closing rate', () => {
    const inv = (
      id: number,
      due: string,
      total: bigint,
      status: LedgerInvoice['status'] = 'unpaid',
    ): LedgerInvoice => ({
      source: 'eu',
      id,
      client: 1,
      currency: 'USD',
      status,
      issue: dayOf(due) - 14,
      due: dayOf(due),
      paid: null,
      refunded: null,
      cancelled: null,
      updated: dayOf(due),
      subtotal: total,
      tax: 0n,
      tax2: 0n,
      credit: 0n,
      total,
    });
    const ledger = [
      inv(1, '2024-06-30', 100_0000n),
      inv(2, '2024-05-31', 50_0000n),
      inv(3, '2024-06-01', 30_0000n, 'collections'),
    ];
    const rates = parseRates('Date,USD\n2024-06-28,1.25\n');
    const [row] = receivables(ledger, {
      asOf: dayOf('2024-06-30'),
      dataAsOf: dayOf('2024-07-01'),
      explain: true,
      convert: { rates, to: 'EUR' },
    });
    expect(row?.invoices).toEqual({ notDue: ['eu:1'], d1to30: ['eu:2'], disputed: ['eu:3'] });
    expect(row?.open).toBe('150.00');
    // 150 open over 180 invoiced in 90 days.
    expect(row?.dso).toBe(75);
    expect(row?.converted?.open).toBe('120.00');
    expect(row?.converted?.rate).toEqual({ currency: 'USD', rate: '1.250000', rateDate: '2024-06-28' });
  });
});
