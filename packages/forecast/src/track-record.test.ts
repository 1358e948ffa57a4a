import { describe, expect, it } from 'vitest';
import { dayOf } from './dates.ts';
import type { ForecastPeriod } from './forecast.ts';
import type { LedgerInvoice } from './ledger.ts';
import { compareForecasts, trackRecord } from './track-record.ts';

const row = (
  period: string,
  from: string,
  to: string,
  expected: string,
  p10: string,
  p90: string,
): ForecastPeriod => ({
  source: 'all',
  currency: 'EUR',
  period,
  from,
  to,
  expected,
  p10,
  p90,
  contractual: '0.00',
  parts: { collectedToDate: '0.00', openInvoices: expected, renewals: '0.00', otherBilling: '0.00' },
});

const paid = (id: number, day: string, total: bigint): LedgerInvoice => ({
  source: 'eu',
  id,
  client: 1,
  currency: 'EUR',
  status: 'paid',
  issue: dayOf(day) - 10,
  due: dayOf(day),
  paid: dayOf(day),
  refunded: null,
  cancelled: null,
  updated: null,
  subtotal: total,
  tax: 0n,
  tax2: 0n,
  credit: 0n,
  total,
});

describe('trackRecord', () => {
  it('scores only ended periods against the cash collected in them', () => {
    const issued = [
      [
        row('2024-01', '2024-01-01', '2024-01-31', '100.00', '90.00', '110.00'),
        row('2024-02', '2024-02-01', '2024-02-29', '100.00', '90.00', '110.00'),
        row('2024-03', '2024-03-01', '2024-03-31', '100.00', '90.00', '110.00'),
      ],
    ];
    const ledger = [
      paid(1, '2024-01-15', 80_0000n),
      paid(2, '2024-02-10', 105_0000n),
      paid(3, '2024-03-02', 1n),
    ];
    const score = trackRecord(issued, ledger, dayOf('2024-03-01'));
    // March has not ended: January (|100 - 80|) and February (|100 - 105|) only.
    expect(score).toEqual({ issued: 1, scoredPeriods: 2, wape: 0.1351, bias: 0.0811, coverage80: 0.5 });
  });
});

describe('compareForecasts', () => {
  it('breaks the difference of two issued forecasts down by part, exactly', () => {
    const a = {
      id: 1,
      version: '1.0.0',
      monthly: [row('2024-02', '2024-02-01', '2024-02-29', '100.10', '0', '0')],
    };
    const b = {
      id: 2,
      version: '1.1.0',
      monthly: [row('2024-02', '2024-02-01', '2024-02-29', '0.30', '0', '0')],
    };
    const c = compareForecasts(a, b);
    expect(c.methodVersionChanged).toBe(true);
    expect(c.periods[0]?.difference).toBe('-99.80');
    expect(c.periods[0]?.byCause.openInvoices).toBe('-99.80');
  });
});
