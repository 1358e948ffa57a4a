import { describe, expect, it } from 'vitest';
import { dayOf } from '../dates.ts';
import type { LedgerInvoice } from '../ledger.ts';
import { snapshotAt } from './snapshot.ts';

const T = dayOf('2024-12-31');
/** The day the ledger was read: after T, so the tests below look back at a past origin. */
const DATA_AS_OF = T + 60;
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
    const [seen] = snapshotAt([invoice({ credit: 143_9000n, total: 0n })], T, DATA_AS_OF);
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
      DATA_AS_OF,
    );
    expect(seen.map((s) => [s.id, s.paid, s.cancelled])).toEqual([
      [1, null, null],
      [2, null, null],
      [4, T - 1, null],
    ]);
  });

  describe('an undated cancellation (WHMCS 7.x: no cancel date, no update time)', () => {
    const undated = (id: number, due: number) =>
      invoice({ id, status: 'cancelled', issue: due - 14, due, paid: null, cancelled: null, updated: null });

    it('is cancelled in a snapshot taken on the day the sync saw it, however recent its due date', () => {
      // Due 6 days before T and already cancelled when read on T: due + 30 is after T, and the
      // forecast made on the sync day counted it open and forecast it to be paid.
      const seen = snapshotAt([undated(1, T - 6), undated(2, T + 10), undated(3, T - 40)], T, T);
      expect(seen.map((s) => [s.id, s.paid, s.cancelled])).toEqual([
        [1, null, T],
        [2, null, T],
        [3, null, T - 10],
      ]);
    });

    it('stays a guess of due + 30 days at a past origin (the later sync does not leak back)', () => {
      const seen = snapshotAt([undated(1, T - 6), undated(3, T - 40)], T, DATA_AS_OF);
      expect(seen.map((s) => [s.id, s.cancelled])).toEqual([
        [1, null],
        [3, T - 10],
      ]);
    });

    it('keeps a date WHMCS gave (8.x) as it is', () => {
      const [seen] = snapshotAt([{ ...undated(1, T - 6), updated: T - 2 }], T, T);
      expect(seen?.cancelled).toBe(T - 2);
    });
  });
});
