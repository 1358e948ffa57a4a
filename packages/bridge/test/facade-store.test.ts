import { type InvoiceOrderBy, normalizeInvoice, type WireInvoice } from '@forecaster/whmcs-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhmcsPages } from '../src/facade/whmcs-pages.ts';
import { makeInvoices, seededRandom } from '../src/store/invoice-fixtures.ts';
import { cursorBatch } from '../src/store/postgres/whmcs-order.ts';
import { STORE_KINDS, type StoreKind, storePlace } from '../src/store/testing/stores.ts';
import type { FetchedInvoice, WhmcsPageQuery } from '../src/store/types.ts';

/*
 * The facade's pages (WhmcsPages over Store.whmcsOrder and whmcsRows) against a reference written from WHMCS's rules (the simulator's, which
 * reproduce MySQL's): every order both ways, filters, tombstones, NULL and zero dates.
 */

const SOURCE = 'eu';
const ORDERS: InvoiceOrderBy[] = ['id', 'invoicenumber', 'date', 'duedate', 'total', 'status'];

/** MySQL: NULL first, then the zero date, then real dates; as plain text compares. */
function dateKey(value: unknown): string {
  return value === null || value === undefined ? '' : ` ${String(value)}`;
}

function compareBy(column: InvoiceOrderBy, a: WireInvoice, b: WireInvoice): number {
  switch (column) {
    case 'id':
      return Number(a.id) - Number(b.id);
    case 'invoicenumber': {
      const [x, y] = [String(a.invoicenum ?? ''), String(b.invoicenum ?? '')];
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'date':
    case 'duedate': {
      const [x, y] = [dateKey(a[column]), dateKey(b[column])];
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'total':
      return Number(a.total) - Number(b.total);
    case 'status': {
      const [x, y] = [a.status.toLowerCase(), b.status.toLowerCase()];
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

function reference(rows: WireInvoice[], query: WhmcsPageQuery): { total: number; ids: number[] } {
  const matching = rows.filter(
    (r) =>
      (query.userId === undefined || Number(r.userid) === query.userId) &&
      (query.status === undefined || r.status.toLowerCase().replace(' ', '_') === query.status) &&
      (query.overdueBefore === undefined ||
        (r.status === 'Unpaid' && r.duedate != null && r.duedate < query.overdueBefore)),
  );
  const sign = query.order === 'desc' ? -1 : 1;
  const sorted = [...matching].sort((a, b) => {
    if (query.orderBy === 'default') {
      return -compareBy('status', a, b) || compareBy('duedate', a, b) || Number(a.id) - Number(b.id);
    }
    return sign * compareBy(query.orderBy, a, b) || Number(a.id) - Number(b.id);
  });
  return {
    total: matching.length,
    ids: sorted.slice(query.offset, query.offset + query.limit).map((r) => Number(r.id)),
  };
}

function fixtures(): FetchedInvoice[] {
  const rows = makeInvoices(seededRandom(41), SOURCE, 1, 400, { messy: true });
  // NULL dates (WHMCS 8 sends null for a NULL date), and invoice numbers that sort as text.
  return rows.map((row, i) => {
    const raw: WireInvoice = { ...row.raw };
    if (i % 37 === 5) raw.date = null;
    if (i % 41 === 7) raw.duedate = null;
    if (i % 13 === 3) raw.invoicenum = String(i);
    return { raw, invoice: normalizeInvoice(raw, { source: SOURCE, timeZone: 'UTC' }) };
  });
}

async function seeded(kind: StoreKind) {
  const store = await (await storePlace(kind)).open();
  await store.upsertSource({ id: SOURCE, name: SOURCE });
  await store.upsertSource({ id: 'other', name: 'other' });
  const rows = fixtures();
  await store.applyPage(SOURCE, rows, null);
  await store.applyPage('other', makeInvoices(seededRandom(2), 'other', 1, 50), null);
  return { store, rows: rows.map((r) => r.raw) };
}

describe.each(STORE_KINDS)('WhmcsPages on the %s store', (kind) => {
  // PostgreSQL reads an order from a cursor in batches: batches of 7 rows make every order many.
  const batch = cursorBatch.rows;
  beforeAll(() => {
    cursorBatch.rows = 7;
  });
  afterAll(() => {
    cursorBatch.rows = batch;
  });

  it('orders by every column both ways as WHMCS does, ties by id ascending', async () => {
    const { store, rows } = await seeded(kind);
    for (const orderBy of [...ORDERS, 'default'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        for (const [offset, limit] of [
          [0, 1000],
          [0, 25],
          [130, 7],
          [399, 5],
          [400, 5],
        ] as const) {
          const query: WhmcsPageQuery = { orderBy, order, offset, limit };
          const page = await new WhmcsPages(store).page(SOURCE, query);
          const expected = reference(rows, query);
          expect(page.total, `${orderBy} ${order}`).toBe(expected.total);
          expect(
            page.rows.map((r) => Number(r.id)),
            `${orderBy} ${order} ${offset}+${limit}`,
          ).toEqual(expected.ids);
        }
      }
    }
    await store.close();
  });

  it('filters by status, Overdue and client, and returns the raw records untouched', async () => {
    const { store, rows } = await seeded(kind);
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    const queries: Array<Partial<WhmcsPageQuery>> = [
      { status: 'paid' },
      { status: 'payment_pending', orderBy: 'duedate' },
      { overdueBefore: '2023-06-01', orderBy: 'total', order: 'desc' },
      { userId: Number(rows[10]!.userid) },
      { userId: 999_999 },
      { status: 'unpaid', userId: Number(rows[3]!.userid) },
    ];
    for (const partial of queries) {
      const query: WhmcsPageQuery = { orderBy: 'id', order: 'asc', offset: 0, limit: 1000, ...partial };
      const page = await new WhmcsPages(store).page(SOURCE, query);
      const expected = reference(rows, query);
      expect(page.total, JSON.stringify(partial)).toBe(expected.total);
      expect(page.rows.map((r) => Number(r.id))).toEqual(expected.ids);
      for (const row of page.rows) expect(JSON.stringify(row)).toBe(JSON.stringify(byId.get(Number(row.id))));
    }
    expect(
      (
        await new WhmcsPages(store).page(SOURCE, {
          overdueBefore: '2023-06-01',
          orderBy: 'id',
          order: 'asc',
          offset: 0,
          limit: 1,
        })
      ).total,
    ).toBeGreaterThan(0);
    await store.close();
  });

  it('never serves tombstones, and counts only live invoices', async () => {
    const { store, rows } = await seeded(kind);
    const gone = rows.slice(0, 30).map((r) => Number(r.id));
    await store.removeInvoices(SOURCE, gone);
    const page = await new WhmcsPages(store).page(SOURCE, {
      orderBy: 'id',
      order: 'asc',
      offset: 0,
      limit: 1000,
    });
    expect(page.total).toBe(370);
    expect(page.rows.map((r) => Number(r.id))).toEqual(rows.slice(30).map((r) => Number(r.id)));
    const empty = await new WhmcsPages(store).page('nope', {
      orderBy: 'id',
      order: 'asc',
      offset: 0,
      limit: 10,
    });
    expect(empty).toEqual({ total: 0, rows: [] });
    const past = await new WhmcsPages(store).page(SOURCE, {
      orderBy: 'id',
      order: 'asc',
      offset: 500,
      limit: 10,
    });
    expect(past).toEqual({ total: 370, rows: [] });
    await store.close();
  });

  it('keeps each order up to date from the changes, as a new read gives it, without reading it again', async () => {
    const { store, rows } = await seeded(kind);
    const reads: string[] = [];
    const pages = new WhmcsPages({
      whmcsOrder: (sourceId, query) => {
        reads.push(`${query.orderBy} ${query.order}`);
        return store.whmcsOrder(sourceId, query);
      },
      whmcsOrderChanges: store.whmcsOrderChanges.bind(store),
      whmcsRows: store.whmcsRows.bind(store),
      sourceSeq: store.sourceSeq.bind(store),
    });
    const queries: WhmcsPageQuery[] = [...ORDERS, 'default' as const].flatMap((orderBy) =>
      (['asc', 'desc'] as const).map((order) => ({ orderBy, order, offset: 0, limit: 1000 })),
    );
    queries.push({ orderBy: 'duedate', order: 'desc', offset: 0, limit: 1000, status: 'unpaid' });
    queries.push({ orderBy: 'date', order: 'asc', offset: 0, limit: 1000, overdueBefore: '2023-06-01' });
    for (const query of queries) await pages.page(SOURCE, query);
    const firstReads = reads.length;

    // Edits (new dates, numbers, totals and statuses: NULL and zero dates among them), new
    // invoices, removals, and a write to another source.
    const current = new Map(rows.map((r) => [Number(r.id), r]));
    const fresh = fixtures().map((row, i) => {
      const raw: WireInvoice = { ...row.raw, id: String(1 + ((i * 7) % 400)) };
      if (i % 3 === 0) raw.duedate = i % 2 ? null : '0000-00-00';
      if (i % 5 === 1) raw.invoicenum = `N${i}`;
      return { raw, invoice: normalizeInvoice(raw, { source: SOURCE, timeZone: 'UTC' }) };
    });
    const edits = fresh.slice(0, 60);
    const added = fresh.slice(60, 90).map((row, i) => {
      const raw: WireInvoice = { ...row.raw, id: String(1000 + i) };
      return { raw, invoice: normalizeInvoice(raw, { source: SOURCE, timeZone: 'UTC' }) };
    });
    await store.applyPage(SOURCE, [...edits, ...added], null);
    for (const row of [...edits, ...added]) current.set(Number(row.raw.id), row.raw);
    const gone = [5, 17, 250, 1003];
    await store.removeInvoices(SOURCE, gone);
    for (const id of gone) current.delete(id);
    await store.applyPage('other', makeInvoices(seededRandom(3), 'other', 1, 5), null);

    for (const query of queries) {
      const page = await pages.page(SOURCE, query);
      const expected = reference([...current.values()], query);
      expect(page.total, JSON.stringify(query)).toBe(expected.total);
      expect(
        page.rows.map((r) => Number(r.id)),
        JSON.stringify(query),
      ).toEqual(expected.ids);
    }
    // Merged, not read again.
    expect(reads).toHaveLength(firstReads);
    await store.close();
  });
});
