import { describe, expect, it } from 'vitest';
import { addMonths, dayOf } from '../dates.ts';
import type { LedgerInvoice } from '../ledger.ts';
import { miniWorld } from '../testing/mini-world.ts';
import { runForecast } from './run.ts';

const T = dayOf('2024-06-30');
const growthOf = (ledger: ReturnType<typeof miniWorld>, growthShrink: boolean, growthFromCounts = false) => {
  const run = runForecast(ledger, {
    asOf: T,
    dataAsOf: dayOf('2025-01-01'),
    months: 3,
    weeks: 1,
    params: { growthShrink, growthFromCounts },
  }).find((r) => r.source === 'eu');
  const assumptions = run?.model?.assumptions as { newBusinessMonthlyGrowth: number } | undefined;
  return assumptions?.newBusinessMonthlyGrowth ?? Number.NaN;
};

describe('the growth of new business carried forward', () => {
  it("is shrunk toward none when a year's change is within its own noise (a stable business)", () => {
    // Stable worlds of a few hundred clients: the year-over-year change of new business is luck.
    for (const seed of [1, 2, 3, 4]) {
      const ledger = miniWorld({ seed, clients: 200 });
      const raw = growthOf(ledger, false);
      const shrunk = growthOf(ledger, true);
      expect(Math.abs(shrunk)).toBeLessThanOrEqual(Math.abs(raw));
      if (Math.abs(raw) > 0.002) expect(Math.abs(shrunk)).toBeLessThan(Math.abs(raw) * 0.9);
    }
  });

  it('is kept when the business clearly grows', () => {
    const ledger = miniWorld({ seed: 5, clients: 1500, growth: 0.1 });
    const raw = growthOf(ledger, false);
    expect(raw).toBeGreaterThan(0.005);
    expect(growthOf(ledger, true)).toBeGreaterThan(raw * 0.8);
  });

  it('is read from the number of first invoices, which one large order does not hide', () => {
    // Orders only: 20 a month two years before T, 2 % more each month, of 100 each; and one
    // order of 15,000 (a triennial plan of a large client) 18 months before T.
    const ledger: LedgerInvoice[] = [];
    let id = 0;
    const order = (day: number, units: number) => {
      const amount = BigInt(units) * 10_000n;
      id++;
      ledger.push({
        source: 'eu',
        id,
        client: id,
        currency: 'EUR',
        status: 'paid',
        issue: day,
        due: day,
        paid: day,
        refunded: null,
        cancelled: null,
        updated: day,
        subtotal: amount,
        tax: 0n,
        tax2: 0n,
        credit: 0n,
        total: amount,
      });
    };
    const firstMonth = addMonths(dayOf('2024-07-01'), -24);
    for (let k = 0; k < 24; k++) {
      const n = Math.round(20 * 1.02 ** k);
      for (let j = 0; j < n; j++) order(addMonths(firstMonth, k) + (j % 28), 100);
    }
    order(addMonths(firstMonth, 6) + 3, 15_000);
    expect(growthOf(ledger, true)).toBeLessThan(0);
    expect(growthOf(ledger, true, true)).toBeCloseTo(0.02, 2);
    // What it was read from, in the forecast's assumptions: the orders of each year.
    const run = runForecast(ledger, { asOf: T, dataAsOf: dayOf('2025-01-01'), months: 3, weeks: 1 });
    const counted = (n: number) => Math.round(20 * 1.02 ** n);
    const year = (from: number) =>
      Array.from({ length: 12 }, (_, k) => counted(from + k)).reduce((a, b) => a + b);
    expect(run.find((r) => r.source === 'eu')?.model?.assumptions.newBusinessFirstInvoices).toEqual({
      months: 12,
      recent: year(12),
      before: year(0) + 1,
    });
  });
});
