import type { LedgerColumns } from '@forecaster/forecast';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { turnsDuring } from '../api/testing/loop-turns.ts';
import { loopBudget } from '../bounded-work.ts';
import { editInvoice, makeInvoices, seededRandom } from '../store/invoice-fixtures.ts';
import { COLUMN_PAGE } from '../store/sqlite-ledger-columns.ts';
import { type StorePlace, storePlace } from '../store/testing/stores.ts';
import type { Store } from '../store/types.ts';
import { ColumnCache } from './column-cache.ts';

/** The columns' rows, with source and currency names (their indices depend on first sight). */
const rows = (c: LedgerColumns) =>
  Array.from({ length: c.length }, (_, k) =>
    [
      c.sources[c.source[k] as number],
      c.currencies[c.currency[k] as number],
      c.status[k],
      c.id[k],
      c.client[k],
      c.issue[k],
      c.due[k],
      c.paid[k],
      c.cancelled[k],
      c.updated[k],
      c.gross[k],
      c.credit[k],
      c.total[k],
    ].join(' '),
  );

describe('the column cache', () => {
  let place: StorePlace;
  let store: Store;
  const random = seededRandom(4);

  beforeEach(async () => {
    place = await storePlace('sqlite');
    store = await place.open();
    for (const id of ['eu', 'us']) await store.upsertSource({ id, name: id });
    await store.applyPage('eu', makeInvoices(random, 'eu', 1, 300), null);
    await store.applyPage('us', makeInvoices(random, 'us', 1, 200), null);
  });

  afterEach(async () => {
    await store.close();
    await place.dispose();
  });

  it('follows the change feed to what a fresh read of the store gives, row for row', async () => {
    const cache = new ColumnCache(store);
    const before = await cache.columns(['eu', 'us']);
    const snapshot = rows(before);
    expect(await cache.columns(['us', 'eu'])).toBe(before);
    // Edits, new invoices between and after the old ones, deletions, one invoice deleted and
    // back, and a source the cache has not seen.
    await store.applyPage('eu', [editInvoice(random, { source: 'eu', id: 5, timeZone: 'UTC' })], null);
    await store.applyPage('us', makeInvoices(random, 'us', 150, 100), null);
    await store.removeInvoices('eu', [1, 2, 300, 17]);
    await store.applyPage('eu', makeInvoices(random, 'eu', 17, 1), null);
    await store.upsertSource({ id: 'asia', name: 'asia' });
    await store.applyPage('asia', makeInvoices(random, 'asia', 1, 10), null);
    await store.applyPage('eu', makeInvoices(random, 'eu', 400, 3), null);
    const after = await cache.columns(['eu', 'us', 'asia']);
    const fresh = await store.ledgerColumns();
    expect(after.length).toBe(fresh.columns.length);
    expect(rows(after)).toEqual(rows(fresh.columns));
    // The columns handed out before are not written to: a request holding them stays consistent.
    expect(rows(before)).toEqual(snapshot);
    expect(rows(await cache.columns(['us']))).toEqual(rows((await store.ledgerColumns(['us'])).columns));
  });

  describe('read in pages, with the event loop free between them', () => {
    const budget = loopBudget.ms;
    beforeEach(async () => {
      loopBudget.ms = 0; // yield after every page
      await store.applyPage('us', makeInvoices(random, 'us', 1000, 4 * COLUMN_PAGE), null);
    });
    afterEach(() => {
      loopBudget.ms = budget;
    });

    it('lets other work run while a read goes on (one synchronous read held the loop for all of it)', async () => {
      let done = false;
      const read = store.ledgerColumns().then((r) => {
        done = true;
        return r;
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(done).toBe(false);
      expect((await read).columns.length).toBe(500 + 4 * COLUMN_PAGE);
    });

    it('ends where a fresh read does when the store is written between its pages', async () => {
      const cache = new ColumnCache(store);
      let writes = 0;
      let reading = true;
      const writer = (async () => {
        // Behind the pages (eu is read first), ahead of them (us), edits, deletions, a new source.
        for (let n = 0; reading; n++) {
          await new Promise((resolve) => setImmediate(resolve));
          await store.applyPage('eu', makeInvoices(random, 'eu', 1000 + n, 1), null);
          await store.applyPage(
            'us',
            [editInvoice(random, { source: 'us', id: 1000 + 7 * n, timeZone: 'UTC' })],
            null,
          );
          await store.removeInvoices('us', [1001 + 7 * n, 40 + n]);
          if (n === 3) {
            await store.upsertSource({ id: 'asia', name: 'asia' });
            await store.applyPage('asia', makeInvoices(random, 'asia', 1, 10), null);
          }
          writes++;
        }
      })();
      await cache.columns(['eu', 'us', 'asia']);
      const during = writes;
      reading = false;
      await writer;
      expect(during).toBeGreaterThan(0);
      const after = await cache.columns(['eu', 'us', 'asia']);
      const fresh = await store.ledgerColumns();
      expect(rows(after)).toEqual(rows(fresh.columns));
    });
    it('applies changes and makes a subset of sources step by step (each was one block of the loop)', async () => {
      const cache = new ColumnCache(store);
      await cache.columns(['eu', 'us']);
      // More changes than one step places, all over the us rows.
      const edits = Array.from({ length: 1200 }, (_, k) =>
        editInvoice(random, { source: 'us', id: 1000 + 3 * k, timeZone: 'UTC' }),
      );
      await store.applyPage('us', edits, null);
      const applied = await turnsDuring(() => cache.columns(['eu', 'us']));
      // The allocation, then every 500 changes: a turn each at least.
      expect(applied.turns).toBeGreaterThanOrEqual(4);
      expect(rows(applied.value)).toEqual(rows((await store.ledgerColumns()).columns));
      const subset = await turnsDuring(() => cache.columns(['us']));
      expect(subset.turns).toBeGreaterThanOrEqual(2);
      expect(rows(subset.value)).toEqual(rows((await store.ledgerColumns(['us'])).columns));
      expect(await cache.columns(['us'])).toBe(subset.value);
    });
  });
});
