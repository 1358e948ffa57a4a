import { normalizeInvoice, type WireInvoice } from '@forecaster/whmcs-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeInvoice, seededRandom } from './invoice-fixtures.ts';
import { STORE_KINDS, type StorePlace, storePlace } from './testing/stores.ts';
import type { FetchedInvoice, Store } from './types.ts';

describe.each(STORE_KINDS)('amounts at any magnitude on the %s store', (kind) => {
  let place: StorePlace;
  let store: Store;

  beforeEach(async () => {
    place = await storePlace(kind);
    store = await place.open();
    await store.upsertSource({ id: 'eu', name: 'eu' });
  });

  afterEach(async () => {
    await store.close();
    await place.dispose();
  });

  const random = seededRandom(9);

  /** A Paid EUR invoice of `total`, paid in March 2024. */
  function paid(id: number, total: string): FetchedInvoice {
    const { raw } = makeInvoice(random, {
      source: 'eu',
      id,
      status: 'Paid',
      currency: 'EUR',
      issuedAt: Date.UTC(2024, 2, 1),
    });
    const big: WireInvoice = {
      ...raw,
      subtotal: total,
      tax: '0.00',
      credit: '0.00',
      total,
      datepaid: '2024-03-05 10:00:00',
    };
    return { raw: big, invoice: normalizeInvoice(big, { source: 'eu', timeZone: 'UTC' }) };
  }

  describe('sums at the magnitudes WHMCS stores (decimal(16,2) and beyond)', () => {
    it('sums two invoices of 900,000,000,000,000.00 in one month exactly (a 64-bit sum overflows)', async () => {
      const rows = [paid(1, '900000000000000.00'), paid(2, '900000000000000.00'), paid(3, '0.01')];
      await store.applyPage('eu', rows, null);
      const [march] = await store.revenue({ from: '2024-03', to: '2024-03', bySource: false });
      expect(march).toMatchObject({
        month: '2024-03',
        currency: 'EUR',
        invoiced: '1800000000000000.01',
        collected: '1800000000000000.01',
        invoiceCount: 3,
      });
    });

    it('keeps the sum exact through updates and tombstones of the largest amounts', async () => {
      const max = '99999999999999.99';
      await store.applyPage(
        'eu',
        Array.from({ length: 1000 }, (_, i) => paid(i + 1, max)),
        null,
      );
      const [all] = await store.revenue({ bySource: true });
      expect(all?.collected).toBe('99999999999999990.00');
      await store.removeInvoices('eu', [1, 2]);
      await store.applyPage('eu', [paid(3, '0.01')], null);
      const [after] = await store.revenue({ bySource: true });
      // 997 invoices of 9,999,999,999,999,999 cents and one of 1 cent.
      expect(after?.collected).toBe('99699999999999990.04');
      expect(after?.invoiceCount).toBe(998);
    });
  });
});
