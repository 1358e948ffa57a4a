import { afterEach, describe, expect, it } from 'vitest';
import { editInvoice, makeInvoices, seededRandom } from '../store/invoice-fixtures.ts';
import { STORE_KINDS, type StorePlace, storePlace } from '../store/testing/stores.ts';
import type { Store, WhmcsOrderQuery } from '../store/types.ts';
import { WhmcsPages } from './whmcs-pages.ts';

/*
 * Paging by offset without OFFSET: an order is read once per seq and sliced, so a walk from the
 * start reads each order once, and any write makes the next page read it again.
 */

describe.each(STORE_KINDS)('WhmcsPages on the %s store', (kind) => {
  let place: StorePlace;
  let store: Store;
  afterEach(async () => {
    await store.close();
    await place.dispose();
  });

  async function seeded() {
    place = await storePlace(kind);
    store = await place.open();
    await store.upsertSource({ id: 'eu', name: 'eu' });
    await store.applyPage('eu', makeInvoices(seededRandom(7), 'eu', 1, 300), null);
    const orders: WhmcsOrderQuery[] = [];
    /** The first id of each page of rows read. */
    const rowReads: number[] = [];
    const port = {
      whmcsOrder: (sourceId: string, query: WhmcsOrderQuery) => {
        orders.push(query);
        return store.whmcsOrder(sourceId, query);
      },
      whmcsOrderChanges: store.whmcsOrderChanges.bind(store),
      whmcsRows: (sourceId: string, ids: readonly number[]) => {
        rowReads.push(ids[0]!);
        return store.whmcsRows(sourceId, ids);
      },
      sourceSeq: store.sourceSeq.bind(store),
    };
    return { pages: new WhmcsPages(port), orders, rowReads };
  }

  /** Lets a read ahead (queued after the answer) run. */
  const settled = () => new Promise((resolve) => setTimeout(resolve, 20));
  const idsOf = (page: { rows: Array<{ id: unknown }> }) => page.rows.map((r) => Number(r.id));

  it('reads an order once for a whole walk, and merges a write into it', async () => {
    const { pages, orders } = await seeded();
    const seen: number[] = [];
    for (let offset = 0; offset < 300; offset += 25) {
      const page = await pages.page('eu', { orderBy: 'total', order: 'desc', offset, limit: 25 });
      expect(page.total).toBe(300);
      seen.push(...page.rows.map((r) => Number(r.id)));
    }
    expect(new Set(seen).size).toBe(300);
    expect(orders).toHaveLength(1);
    await pages.page('eu', { orderBy: 'total', order: 'asc', offset: 0, limit: 25 });
    expect(orders).toHaveLength(2);

    await store.removeInvoices('eu', [seen[0]!]);
    const after = await pages.page('eu', { orderBy: 'total', order: 'desc', offset: 0, limit: 25 });
    expect(orders).toHaveLength(2);
    expect(after.total).toBe(299);
    expect(after.rows.map((r) => Number(r.id))).toEqual(seen.slice(1, 26));
  });

  it("tells a source's seq and what changed in it since, up to a limit", async () => {
    await seeded();
    await store.upsertSource({ id: 'us', name: 'us' });
    const seq = await store.sourceSeq('eu');
    expect(seq).toBeGreaterThan(0);
    expect(await store.sourceSeq('us')).toBe(0);
    await store.applyPage('us', makeInvoices(seededRandom(8), 'us', 1, 3), null);
    expect(await store.sourceSeq('eu')).toBe(seq);
    const query: WhmcsOrderQuery = { orderBy: 'total', order: 'asc', status: 'paid' };
    expect(await store.whmcsOrderChanges('eu', query, seq, 10)).toEqual({
      seq,
      changed: [],
      matching: { ids: [], keys: [[]] },
    });
    await store.applyPage('eu', makeInvoices(seededRandom(9), 'eu', 301, 4, { status: 'Paid' }), null);
    await store.removeInvoices('eu', [1]);
    const changes = await store.whmcsOrderChanges('eu', query, seq, 10);
    expect(changes!.seq).toBe(await store.sourceSeq('eu'));
    expect(changes!.changed.sort((a, b) => a - b)).toEqual([1, 301, 302, 303, 304]);
    expect(changes!.matching.ids.sort((a, b) => a - b)).toEqual([301, 302, 303, 304]);
    expect(changes!.matching.keys[0]!.every((k) => typeof k === 'number')).toBe(true);
    expect(await store.whmcsOrderChanges('eu', query, seq, 4)).toBeUndefined();
  });

  it('drops the oldest orders past its bound of ids', async () => {
    const { orders } = await seeded();
    const port = {
      whmcsOrder: store.whmcsOrder.bind(store),
      whmcsOrderChanges: store.whmcsOrderChanges.bind(store),
      whmcsRows: store.whmcsRows.bind(store),
      sourceSeq: store.sourceSeq.bind(store),
    };
    const small = new WhmcsPages(
      {
        ...port,
        whmcsOrder: (sourceId, query) => {
          orders.push(query);
          return store.whmcsOrder(sourceId, query);
        },
      },
      { maxIds: 400 },
    );
    for (const orderBy of ['id', 'date', 'id'] as const) {
      await small.page('eu', { orderBy, order: 'asc', offset: 10, limit: 5 });
    }
    // 'id' was evicted by 'date' (300 ids + 300 ids with a key each > 400) and read again.
    expect(orders.map((o) => o.orderBy)).toEqual(['id', 'date', 'id']);
  });

  it('reads a walk one page ahead, and only a walk', async () => {
    const { pages, rowReads } = await seeded();
    const reference = new WhmcsPages(store);
    const query = { orderBy: 'date', order: 'desc' } as const;
    const walked: number[][] = [];
    for (let offset = 0; offset < 100; offset += 25) {
      walked.push(idsOf(await pages.page('eu', { ...query, offset, limit: 25 })));
      await settled();
    }
    // Pages 1 and 2 read when asked; from page 2 on, each next page is read before it is asked.
    expect(pages.readAheads).toBe(3);
    expect(rowReads).toEqual([
      walked[0]![0],
      walked[1]![0],
      walked[2]![0],
      walked[3]![0],
      expect.any(Number),
    ]);
    // The same rows as pages read when asked.
    for (const [i, ids] of walked.entries()) {
      expect(ids).toEqual(idsOf(await reference.page('eu', { ...query, offset: i * 25, limit: 25 })));
    }
    // Calls at other offsets, or with another limit, read nothing ahead.
    rowReads.length = 0;
    for (const offset of [200, 17, 150, 60]) await pages.page('eu', { ...query, offset, limit: 25 });
    await pages.page('eu', { ...query, offset: 125, limit: 10 });
    await settled();
    expect(rowReads).toHaveLength(5);
    expect(pages.readAheads).toBe(3);
    // Nor does a walk in pages larger than the bound (500 rows by default).
    const bounded = new WhmcsPages(store, { maxReadAhead: 24 });
    for (const offset of [0, 25, 50]) await bounded.page('eu', { ...query, offset, limit: 25 });
    for (const offset of [0, 24, 48]) await bounded.page('eu', { ...query, offset, limit: 24 });
    expect(bounded.readAheads).toBe(2); // after the pages at 24 and 48 of the walk by 24
  });

  it('leaves rows read ahead unused after a write, and walks on', async () => {
    const { pages, rowReads } = await seeded();
    const query = { orderBy: 'id', order: 'asc' } as const;
    await pages.page('eu', { ...query, offset: 0, limit: 25 });
    await pages.page('eu', { ...query, offset: 25, limit: 25 });
    await settled();
    expect(pages.readAheads).toBe(1); // ids 51-75
    await store.removeInvoices('eu', [60]);
    const third = await pages.page('eu', { ...query, offset: 50, limit: 25 });
    expect(idsOf(third)).toEqual([
      ...Array.from({ length: 9 }, (_, i) => 51 + i),
      ...Array.from({ length: 16 }, (_, i) => 61 + i),
    ]);
    expect(rowReads.at(-1)).toBe(51); // read again, not the page read ahead
    // Nothing written since: the walk reads ahead again from its next page.
    await pages.page('eu', { ...query, offset: 75, limit: 25 });
    await settled();
    expect(pages.readAheads).toBe(2);
  });

  it('answers as a fresh read would, whatever walks, jumps and writes interleave', async () => {
    const { pages } = await seeded();
    const random = seededRandom(11);
    const pick = (n: number) => Math.floor(random() * n);
    const query = { orderBy: 'total', order: 'asc' } as const;
    // Three walkers in the same order, with limits of their own, and calls at random offsets.
    const walkers = [
      { next: 0, limit: 20 },
      { next: 0, limit: 20 },
      { next: 0, limit: 35 },
    ];
    let nextId = 301;
    for (let step = 0; step < 80; step++) {
      const roll = random();
      if (roll < 0.15) {
        // A write: an edit, an invoice added, or one removed.
        const id = 1 + pick(nextId - 1);
        const write = pick(3);
        if (write === 0)
          await store.applyPage('eu', [editInvoice(random, { source: 'eu', id, timeZone: 'UTC' })], null);
        else if (write === 1) await store.applyPage('eu', makeInvoices(random, 'eu', nextId++, 1), null);
        else await store.removeInvoices('eu', [id]);
        continue;
      }
      const walker = roll < 0.85 ? walkers[pick(walkers.length)]! : undefined;
      const offset = walker ? walker.next : pick(300);
      const limit = walker ? walker.limit : 20;
      const page = await pages.page('eu', { ...query, offset, limit });
      const fresh = await new WhmcsPages(store).page('eu', { ...query, offset, limit });
      expect(page, `step ${step}`).toEqual(fresh);
      if (walker) walker.next = offset + limit >= page.total ? 0 : offset + limit;
      if (random() < 0.5) await settled();
    }
    expect(pages.readAheads).toBeGreaterThan(10);
  });
});
