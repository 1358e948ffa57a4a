import { describe, expect, it } from 'vitest';
import { outlookRows } from './outlook.ts';

const point = (period: string, currency: string, expected: string, source = 'all') =>
  ({ period, currency, expected, p10: '1.00', p90: '9.00', source }) as never;
const line = (month: string, currency: string, costs: string, p10Shortfall: boolean | null) =>
  ({ month, currency, costs, p10Shortfall }) as never;

describe('the months ahead', () => {
  it('set the forecast of all sources beside the commitments, three months, per currency', () => {
    const rows = outlookRows(
      {
        monthly: [
          point('2026-12', 'EUR', '500.00'),
          point('2026-12', 'EUR', '300.00', 'eu'),
          point('2027-01', 'USD', '200.00'),
          point('2027-02', 'EUR', '100.00'),
          point('2027-03', 'EUR', '100.00'),
        ],
      },
      { data: [line('2026-12', 'EUR', '900.00', true), line('2027-01', 'GBP', '50.00', null)] },
    );
    expect(rows.map((r) => [r.month, r.currency, r.expected, r.committed, r.short])).toEqual([
      ['2026-12', 'EUR', '500.00', '900.00', true],
      ['2027-01', 'GBP', null, '50.00', null],
      ['2027-01', 'USD', '200.00', null, null],
      ['2027-02', 'EUR', '100.00', null, null],
    ]);
  });

  it('show the forecast alone on a bridge without commitments', () => {
    expect(outlookRows({ monthly: [point('2027-01', 'EUR', '1.00')] }, null)).toHaveLength(1);
    expect(outlookRows(null, null)).toEqual([]);
  });
});
