import { toUnits } from '@forecaster/whmcs-client';
import { describe, expect, it } from 'vitest';
import { dayOf } from './dates.ts';
import { type ForecastPeriod, forecastCash } from './forecast.ts';
import { parseRates } from './rates.ts';
import { miniWorld } from './testing/mini-world.ts';
import { compareForecasts } from './track-record.ts';

const row = (expected: string): ForecastPeriod => ({
  source: 'all',
  currency: 'EUR',
  period: '2024-02',
  from: '2024-02-01',
  to: '2024-02-29',
  expected,
  p10: expected,
  p90: expected,
  contractual: '0.00',
  parts: { collectedToDate: '0.00', openInvoices: expected, renewals: '0.00', otherBilling: '0.00' },
});

// EUR is the base: 1 EUR = 1.10 USD at the end of 2023, 1.20 from 2024-01-20.
const rates = parseRates('Date,USD\n2023-12-29,1.10\n2024-01-20,1.20\n');
const sumOf = (cells: Record<string, string>) => Object.values(cells).reduce((s, v) => s + toUnits(v), 0n);

describe('compareForecasts in a reporting currency', () => {
  it("puts the rate's move in a step of its own: A re-valued at B's rate", () => {
    const c = compareForecasts(
      { id: 1, version: '1.2.0', monthly: [row('100.00')], asOf: '2024-01-10' },
      { id: 2, version: '1.2.0', monthly: [row('150.00')], asOf: '2024-01-31' },
      undefined,
      { rates, to: 'USD' },
    );
    const p = c.periods[0];
    expect(p?.difference).toBe('50.00');
    expect(p?.converted).toMatchObject({
      currency: 'USD',
      expectedA: '110.00',
      expectedB: '180.00',
      difference: '70.00',
      byCause: { rates: '10.00', business: '60.00' },
    });
    expect(p?.converted?.rateA?.rate).toBe('0.909091'); // EUR per USD, as every converted figure discloses it
    expect(p?.converted?.rateB?.rate).toBe('0.833333');
    expect(c.events?.rates).toMatch(/exchange rate/);
  });

  it('has no rates step when the rate did not move, and says so with nulls when a rate is missing', () => {
    const same = compareForecasts(
      { id: 1, version: '1.2.0', monthly: [row('100.00')], asOf: '2024-01-21' },
      { id: 2, version: '1.2.0', monthly: [row('150.00')], asOf: '2024-01-31' },
      undefined,
      { rates, to: 'USD' },
    );
    expect(same.periods[0]?.converted?.byCause).toEqual({ rates: '0.00', business: '60.00' });
    const before = compareForecasts(
      { id: 1, version: '1.2.0', monthly: [row('100.00')], asOf: '2023-06-30' },
      { id: 2, version: '1.2.0', monthly: [row('150.00')], asOf: '2024-01-31' },
      undefined,
      { rates, to: 'USD' },
    );
    expect(before.periods[0]?.converted).toMatchObject({ expectedA: null, difference: null, byCause: null });
  });

  it("splits the converted change by event at B's rate, the steps adding up to it to the cent", () => {
    const ledger = miniWorld({ seed: 11, clients: 250 });
    const issue = (asOf: string, id: number) => {
      const f = forecastCash(ledger, {
        asOf: dayOf(asOf),
        dataAsOf: dayOf('2025-01-01'),
        months: 4,
        weeks: 1,
      });
      return { id, version: f.method.version, monthly: f.monthly, asOf: f.asOf };
    };
    const swing = parseRates('Date,USD\n2023-05-31,1.0733\n2023-06-30,1.1291\n');
    const c = compareForecasts(
      issue('2023-05-31', 1),
      issue('2023-06-30', 2),
      { ledger, dataAsOf: dayOf('2025-01-01') },
      {
        rates: swing,
        to: 'USD',
      },
    );
    const rows = c.periods.filter((p) => p.currency === 'EUR');
    expect(rows.length).toBeGreaterThan(0);
    for (const p of rows) {
      const conv = p.converted;
      expect(conv?.byEvent).toBeDefined();
      const steps = sumOf(conv?.byEvent ?? {});
      expect(steps).toBe(toUnits(conv?.difference ?? 'x'));
      expect(toUnits(conv?.byEvent?.rates ?? 'x')).toBe(toUnits(conv?.byCause?.rates ?? 'y'));
      // The rate rose about 5 %: A's forecast is worth more in dollars by that much.
      const a = Number(p.expectedA);
      expect(Number(conv?.byEvent?.rates)).toBeCloseTo(a * (1.1291 - 1.0733), 1);
    }
  });
});
