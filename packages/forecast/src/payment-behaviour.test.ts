import { describe, expect, it } from 'vitest';
import { dayOf } from './dates.ts';
import type { LedgerInvoice } from './ledger.ts';
import { paymentBehaviour } from './payment-behaviour.ts';

const base = (id: number, over: Partial<LedgerInvoice>): LedgerInvoice => ({
  source: 'eu',
  id,
  client: 1,
  currency: 'EUR',
  status: 'paid',
  issue: dayOf('2024-01-01'),
  due: dayOf('2024-01-15'),
  paid: dayOf('2024-01-15'),
  refunded: null,
  cancelled: null,
  updated: null,
  subtotal: 100_0000n,
  tax: 0n,
  tax2: 0n,
  credit: 0n,
  total: 100_0000n,
  ...over,
});

describe('paymentBehaviour', () => {
  it('weights the mean by amount, takes percentiles by count, and measures never-paid by gross', () => {
    const due = dayOf('2024-01-15');
    const ledger = [
      base(1, { paid: due - 2, total: 300_0000n }), // early
      base(2, { paid: due + 10, client: 2 }),
      base(3, { paid: due + 40, client: 2 }),
      base(4, { paid: due, client: 3 }),
      base(5, {
        status: 'cancelled',
        paid: null,
        cancelled: due + 45,
        subtotal: 200_0000n,
        total: 200_0000n,
      }),
      base(6, { status: 'cancelled', paid: null, cancelled: due - 5 }), // cancelled before due: not "never paid"
      base(7, { status: 'draft', paid: null }),
    ];
    const rows = paymentBehaviour(ledger, {
      asOf: dayOf('2024-06-30'),
      dataAsOf: dayOf('2024-07-01'),
      byClient: true,
    });
    const all = rows.find((r) => r.source === 'all');
    expect(all?.count).toBe(4);
    // (300 x -2 + 100 x 10 + 100 x 40 + 100 x 0) / 600 = 7.33
    expect(all?.meanDelayDays).toBe(7.33);
    expect([all?.p10, all?.p50, all?.p90]).toEqual([-2, 0, 40]);
    expect(all?.onTimeShare).toBe(0.6667);
    expect(all?.within30Share).toBe(0.8333);
    // 200 of 4 x 100 + 200 + 100 = 700
    expect(all?.neverPaidRate).toBe(0.2857);
    const client2 = rows.find((r) => r.client === 2);
    expect(client2?.meanDelayDays).toBe(25);
  });

  it('only counts payments inside the window', () => {
    const ledger = [base(1, { paid: dayOf('2023-01-01'), due: dayOf('2022-12-01') }), base(2, {})];
    const [all] = paymentBehaviour(ledger, {
      asOf: dayOf('2024-06-30'),
      dataAsOf: dayOf('2024-07-01'),
      windowDays: 365,
    });
    expect(all?.count).toBe(1);
  });
});
