import { describe, expect, it } from 'vitest';
import { dayOf } from '../dates.ts';
import type { LedgerInvoice } from '../ledger.ts';
import { snapshotAt } from './snapshot.ts';

const T = dayOf('2024-12-31');
const invoice = (over: Partial<LedgerInvoice>): LedgerInvoice => ({
  source: 'eu',
  id: 1,
  client: 1,
  currency: 'EUR',
  status: 'paid',
  issue: T - 20,
  due: T - 6,
  paid: T + 30,
  refunded: null,
  cancelled: null,
  updated: T + 30,
  subtotal: 119_9000n,
  tax: 24_0000n,
  tax2: 0n,
  credit: 0n,
  total: 143_9000n,
  ...over,
});

describe('snapshotAt', () => {
  it('shows an invoice settled by credit after T as owing its gross at T (the simulator served 143.90 then)', () => {
    // Found by forecast:eval's honesty check: a mass payment applied credit after T, and the
    // reconstructed snapshot showed 0.00 owed where the world as of T showed 143.90.
    const [seen] = snapshotAt([invoice({ credit: 143_9000n, total: 0n })], T);
    expect(seen?.total).toBe(1_439_000);
    expect(seen?.paid).toBeNull();
  });

  it('leaves the future out: later payments, cancellations and invoices', () => {
    const seen = snapshotAt(
      [
        invoice({ id: 1 }),
        invoice({ id: 2, status: 'cancelled', paid: null, cancelled: T + 3, updated: T + 3 }),
        invoice({ id: 3, issue: T + 1, due: T + 15 }),
        invoice({ id: 4, paid: T - 1 }),
      ],
      T,
    );
    expect(seen.map((s) => [s.id, s.paid, s.cancelled])).toEqual([
      [1, null, null],
      [2, null, null],
      [4, T - 1, null],
    ]);
  });
});
