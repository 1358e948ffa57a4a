import { formatUnits } from '@forecaster/whmcs-client';
import { describe, expect, it } from 'vitest';
import { dateOf, dayOf, monthOf } from './dates.ts';
import { FLOW_MEASURES, revenueFigures } from './figures.ts';
import type { LedgerInvoice } from './ledger.ts';
import { parseRates } from './rates.ts';
import { randomLedger } from './testing/random-ledger.ts';

/** The definitions of the design notes, written again as plain filters over the invoice list. */
function bruteForce(ledger: LedgerInvoice[], source: string, currency: string, month: string) {
  const inMonth = (d: number | null) => d !== null && dateOf(d).slice(0, 7) === month;
  const mine = ledger.filter(
    (i) =>
      (source === 'all' || i.source === source) &&
      i.currency === currency &&
      i.status !== 'draft' &&
      i.issue !== null,
  );
  const sum = (xs: LedgerInvoice[], f: (i: LedgerInvoice) => bigint) =>
    formatUnits(xs.reduce((s, i) => s + f(i), 0n));
  const billed = mine.filter((i) => i.status !== 'cancelled' && inMonth(i.issue));
  const collected = mine.filter(
    (i) => ['paid', 'refunded', 'collections'].includes(i.status) && inMonth(i.paid),
  );
  const refunded = mine.filter((i) => i.status === 'refunded' && inMonth(i.refunded));
  const reversed = mine.filter((i) => i.status === 'collections' && i.paid !== null && inMonth(i.updated));
  const total = (xs: LedgerInvoice[]) => xs.reduce((s, i) => s + i.total, 0n);
  return {
    invoicedCount: billed.length,
    amounts: {
      invoicedGross: sum(billed, (i) => i.subtotal + i.tax + i.tax2),
      invoicedNet: sum(billed, (i) => i.subtotal),
      tax: sum(billed, (i) => i.tax),
      tax2: sum(billed, (i) => i.tax2),
      creditApplied: sum(billed, (i) => i.credit),
      cancelledGross: sum(
        mine.filter((i) => i.status === 'cancelled' && inMonth(i.issue)),
        (i) => i.subtotal + i.tax + i.tax2,
      ),
      collected: formatUnits(total(collected)),
      refunded: formatUnits(total(refunded)),
      reversed: formatUnits(total(reversed)),
      collectedNet: formatUnits(total(collected) - total(refunded) - total(reversed)),
      paidByIssueMonthNet: sum(
        mine.filter((i) => i.status === 'paid' && inMonth(i.issue)),
        (i) => i.subtotal,
      ),
    },
  };
}

describe('revenueFigures', () => {
  it('equals a brute-force recomputation to the cent, on every cell of generated ledgers', () => {
    for (const seed of [1, 2, 3]) {
      const ledger = randomLedger(seed, 1500);
      const { rows } = revenueFigures(ledger, { bySource: true });
      expect(rows.length).toBeGreaterThan(100);
      for (const row of rows) {
        expect({ invoicedCount: row.invoicedCount, amounts: row.amounts }).toEqual(
          bruteForce(ledger, row.source, row.currency, row.month),
        );
      }
      // And no cell is missing: every month with a contribution has a row.
      const months = new Set(rows.map((r) => `${r.source}|${r.currency}|${r.month}`));
      for (const i of ledger) {
        if (i.status === 'draft' || i.issue === null) continue;
        expect(months.has(`all|${i.currency}|${dateOf(i.issue).slice(0, 7)}`)).toBe(true);
      }
    }
  });

  it('keeps amounts exact beyond the range of floats', () => {
    const big = 99_999_999_999_999_99n * 100n; // decimal(16,2) at its maximum
    const inv = (id: number): LedgerInvoice => ({
      source: 'eu',
      id,
      client: 1,
      currency: 'EUR',
      status: 'paid',
      issue: dayOf('2024-01-05'),
      due: dayOf('2024-01-05'),
      paid: dayOf('2024-01-06'),
      refunded: null,
      cancelled: null,
      updated: null,
      subtotal: big,
      tax: 0n,
      tax2: 0n,
      credit: 0n,
      total: big + 100n,
    });
    const { rows } = revenueFigures([inv(1), inv(2), inv(3)]);
    expect(rows[0]?.amounts.invoicedGross).toBe('299999999999999.97');
    expect(rows[0]?.amounts.collected).toBe('300000000000000.00');
  });

  it('puts refunds and reversals without a date apart, and filters months', () => {
    const ledger = randomLedger(7, 800);
    const all = revenueFigures(ledger);
    const some = revenueFigures(ledger, { from: monthOf('2022-03'), to: monthOf('2022-05') });
    expect(new Set(some.rows.map((r) => r.month))).toEqual(new Set(['2022-03', '2022-04', '2022-05']));
    expect(some.rows).toEqual(all.rows.filter((r) => r.month >= '2022-03' && r.month <= '2022-05'));
    const undatedRefunds = ledger.filter(
      (i) => i.status === 'refunded' && i.refunded === null && i.issue !== null,
    );
    const eur = all.undated.find((u) => u.currency === 'EUR' && u.source === 'all');
    expect(eur?.refundedUndated).toBe(
      formatUnits(undatedRefunds.filter((i) => i.currency === 'EUR').reduce((s, i) => s + i.total, 0n)),
    );
  });

  it('explains each cell with the invoices behind it', () => {
    const ledger = randomLedger(4, 300);
    const { rows } = revenueFigures(ledger, { explain: true });
    for (const row of rows) {
      for (const m of FLOW_MEASURES) {
        const ids = row.invoices?.[m] ?? [];
        if (m === 'invoicedGross') expect(ids.length).toBe(row.invoicedCount);
        const sum = ids
          .map((ref) => ledger.find((i) => `${i.source}:${i.id}` === ref) as LedgerInvoice)
          .reduce(
            (s, i) => s + (m === 'collected' || m === 'refunded' || m === 'reversed' ? i.total : 0n),
            0n,
          );
        if (m === 'collected' || m === 'refunded' || m === 'reversed')
          expect(formatUnits(sum)).toBe(row.amounts[m]);
      }
    }
  });

  it('converts each invoice at its own day rate, the last earlier rate on a gap, null without one', () => {
    const rates = parseRates('Date,USD,GBP,\n2024-01-05,1.1000,0.8500,\n2024-01-02,1.2000,N/A,\n');
    const inv = (id: number, currency: string, issue: string, total: bigint): LedgerInvoice => ({
      source: 'eu',
      id,
      client: 1,
      currency,
      status: 'unpaid',
      issue: dayOf(issue),
      due: dayOf(issue),
      paid: null,
      refunded: null,
      cancelled: null,
      updated: null,
      subtotal: total,
      tax: 0n,
      tax2: 0n,
      credit: 0n,
      total,
    });
    const { rows } = revenueFigures(
      [
        inv(1, 'USD', '2024-01-03', 120_0000n), // 2024-01-02's rate: 120 / 1.2 = 100 EUR
        inv(2, 'USD', '2024-01-07', 11_0000n), // Sunday: Friday's 1.1 -> 10 EUR
        inv(3, 'GBP', '2024-01-03', 10_0000n), // no GBP rate yet: null
        inv(4, 'EUR', '2023-12-01', 5_0000n), // the base needs no rate
      ],
      { convert: { rates, to: 'EUR' } },
    );
    const usd = rows.find((r) => r.currency === 'USD');
    expect(usd?.converted?.amounts.invoicedGross).toBe('110.00');
    expect(rows.find((r) => r.currency === 'GBP')?.converted?.amounts.invoicedGross).toBeNull();
    expect(rows.find((r) => r.currency === 'EUR')?.converted?.amounts.invoicedGross).toBe('5.00');
  });
});
