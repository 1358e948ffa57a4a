import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayOf } from './dates.ts';
import { forecastCash } from './forecast.ts';
import type { LedgerInvoice } from './ledger.ts';
import { ledgerColumnsOf } from './ledger-columns.ts';
import { backtest } from './model/backtest.ts';
import { CashByDay, forEachPayment } from './payments.ts';
import { STEP_SLICE } from './steps.ts';
import { miniWorld } from './testing/mini-world.ts';
import { compareForecasts, trackRecord } from './track-record.ts';

/*
 * Every entry point that reads the ledger answers the same bytes from its columns: the bridge
 * feeds columns, and the figures a user saw from the objects must not move.
 */

const DATA_AS_OF = dayOf('2025-01-01');
// A paid invoice without an issue date (the track record counts its cash; the backtest cannot
// place it in a snapshot), a draft, and an undated cancellation: the rows the readers treat apart.
const ledger: LedgerInvoice[] = miniWorld({ seed: 7, clients: 200 }).map((i, k) =>
  k % 29 === 0 && i.status === 'paid'
    ? { ...i, issue: null }
    : k % 31 === 0
      ? { ...i, status: 'draft' as const }
      : k % 13 === 0 && i.status === 'cancelled'
        ? { ...i, cancelled: null, updated: null }
        : i,
);
const columns = ledgerColumnsOf(ledger);
const json = (x: unknown) => JSON.stringify(x);

describe('the columnar ledger', () => {
  it('gives the same backtest', () => {
    const options = { dataAsOf: DATA_AS_OF, origins: 3, warmUpOrigins: 2, months: 6, weeks: 4 };
    expect(json(backtest(columns, options))).toBe(json(backtest(ledger, options)));
  });

  it('gives the same track record and comparison by event', () => {
    const issue = (asOf: string, id: number) => {
      const f = forecastCash(columns, { asOf: dayOf(asOf), dataAsOf: DATA_AS_OF, months: 6, weeks: 1 });
      return { id, version: f.method.version, monthly: f.monthly, asOf: f.asOf };
    };
    const a = issue('2023-03-31', 1);
    const b = issue('2023-07-31', 2);
    const record = trackRecord([a.monthly, b.monthly], ledger, DATA_AS_OF);
    expect(record.scoredPeriods).toBeGreaterThan(0);
    expect(json(trackRecord([a.monthly, b.monthly], columns, DATA_AS_OF))).toBe(json(record));
    const compared = compareForecasts(a, b, { ledger, dataAsOf: DATA_AS_OF });
    expect(compared.periods.some((p) => p.byEvent && p.byEvent.newInvoices !== '0.00')).toBe(true);
    expect(json(compareForecasts(a, b, { ledger: columns, dataAsOf: DATA_AS_OF }))).toBe(json(compared));
  });
});

describe('the cash collected by day', () => {
  it('sums any run of days as a pass over the ledger does, to the unit', () => {
    const brute = (currency: string, from: number, to: number) => {
      let sum = 0;
      forEachPayment(ledger, (_, c, paid, total) => {
        if (c === currency && paid >= from && paid <= to) sum += total;
      });
      return sum;
    };
    const currencies = [...new Set(ledger.map((i) => i.currency)), 'XXX'];
    const days = ledger.flatMap((i) => (i.paid === null ? [] : [i.paid]));
    const low = Math.min(...days) - 40;
    const high = Math.max(...days) + 40;
    for (const input of [ledger, columns]) {
      const cash = CashByDay.of(input);
      fc.assert(
        fc.property(
          fc.constantFrom(...currencies),
          fc.integer({ min: low, max: high }),
          fc.integer({ min: -5, max: 400 }),
          (currency, from, length) => {
            expect(cash.sum(currency, from, from + length)).toBe(brute(currency, from, from + length));
          },
        ),
        { numRuns: 300 },
      );
    }
    // Step by step (the bridge's way): a yield per STEP_SLICE invoices of each of its two passes.
    const steps = CashByDay.steps(columns);
    let yields = 0;
    while (!steps.next().done) yields++;
    expect(yields).toBe(2 * Math.ceil(columns.length / STEP_SLICE));
    // Every day at once: all the cash of the currency.
    const eur = ledger[0]?.currency ?? '';
    expect(CashByDay.of(ledger).sum(eur, low, high)).toBe(brute(eur, low, high));
    expect(brute(eur, low, high)).toBeGreaterThan(0);
  });
});
