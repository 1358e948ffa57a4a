import type { Invoice } from '@forecaster/whmcs-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editInvoice, makeInvoice, seededRandom } from './invoice-fixtures.ts';
import { STORE_KINDS, type StorePlace, storePlace } from './testing/stores.ts';
import type { FetchedInvoice, RevenueQuery, RevenueRow, Store } from './types.ts';

describe.each(STORE_KINDS)('revenue on the %s store', (kind) => {
  let place: StorePlace;
  let store: Store;

  beforeEach(async () => {
    place = await storePlace(kind);
    store = await place.open();
    for (const id of ['asia', 'eu', 'us']) await store.upsertSource({ id, name: id });
  });

  afterEach(async () => {
    await store.close();
    await place.dispose();
  });

  /*
   * The oracle: the definitions in revenue.ts, applied to a plain list of invoices by brute
   * force, written independently of the store's code (its own parsing and formatting).
   */
  const MEASURES = [
    'invoiced',
    'collected',
    'outstanding',
    'creditApplied',
    'refunded',
    'cancelled',
  ] as const;

  function bruteForce(invoices: Invoice[], query: RevenueQuery): RevenueRow[] {
    const from = query.from?.slice(0, 7) ?? '0000-00';
    const to = query.to?.slice(0, 7) ?? '9999-99';
    const units = (d: string) => BigInt(Math.round(Number(d) * 10_000));
    const firstMonth = (...dates: Array<string | null>) => dates.find((d) => d !== null)?.slice(0, 7);
    const groups = new Map<
      string,
      { month: string; currency: string; source: string; sums: Map<string, bigint>; count: number }
    >();
    for (const i of invoices) {
      if (query.sources && !query.sources.includes(i.source)) continue;
      const add = (measure: string, month: string | undefined, amount: string) => {
        if (month === undefined || month < from || month > to) return;
        const source = query.bySource ? i.source : '';
        const key = `${month}|${i.currency}|${source}`;
        let g = groups.get(key);
        if (!g) {
          g = { month, currency: i.currency, source, sums: new Map(), count: 0 };
          groups.set(key, g);
        }
        g.sums.set(measure, (g.sums.get(measure) ?? 0n) + units(amount));
        if (measure === 'invoiced') g.count++;
      };
      if (i.status !== 'draft') {
        add('invoiced', firstMonth(i.issueDate, i.createdAt), i.total);
        add('creditApplied', firstMonth(i.issueDate, i.createdAt), i.credit);
      }
      if ((i.status === 'paid' || i.status === 'refunded') && i.paidAt !== null)
        add('collected', i.paidAt.slice(0, 7), i.total);
      if (['unpaid', 'payment_pending', 'collections'].includes(i.status)) {
        add('outstanding', firstMonth(i.dueDate, i.issueDate, i.createdAt), i.total);
      }
      if (i.status === 'refunded')
        add('refunded', firstMonth(i.refundedAt, i.paidAt, i.issueDate, i.createdAt), i.total);
      if (i.status === 'cancelled')
        add('cancelled', firstMonth(i.cancelledAt, i.issueDate, i.createdAt), i.total);
    }
    const format = (u: bigint) => {
      const digits = (u < 0n ? -u : u).toString().padStart(5, '0');
      let frac = digits.slice(-4);
      while (frac.length > 2 && frac.endsWith('0')) frac = frac.slice(0, -1);
      return `${u < 0n ? '-' : ''}${digits.slice(0, -4)}.${frac}`;
    };
    return [...groups.values()]
      .sort((a, b) => (a.month + a.currency + a.source < b.month + b.currency + b.source ? -1 : 1))
      .map((g) => ({
        month: g.month,
        currency: g.currency,
        ...(query.bySource ? { source: g.source } : {}),
        ...Object.fromEntries(MEASURES.map((m) => [m, format(g.sums.get(m) ?? 0n)])),
        invoiceCount: g.count,
      })) as RevenueRow[];
  }

  describe('revenue', () => {
    it('follows the definitions on a hand-made example', async () => {
      const random = seededRandom(40);
      const invoice = (id: number, fields: Partial<Invoice>): FetchedInvoice => {
        const f = makeInvoice(random, { source: 'eu', id, currency: 'EUR' });
        Object.assign(
          f.invoice,
          { credit: '0.00', createdAt: null, refundedAt: null, cancelledAt: null, paidAt: null },
          fields,
        );
        return f;
      };
      await store.applyPage(
        'eu',
        [
          invoice(1, {
            status: 'paid',
            issueDate: '2024-01-10',
            paidAt: '2024-02-01T00:30:00+01:00',
            total: '100.00',
            credit: '10.00',
          }),
          invoice(2, { status: 'unpaid', issueDate: '2024-01-20', dueDate: '2024-02-03', total: '0.10' }),
          invoice(3, { status: 'unpaid', issueDate: '2024-01-05', dueDate: null, total: '0.20' }),
          invoice(4, { status: 'draft', issueDate: '2024-01-01', total: '50.00', credit: '5.00' }),
          invoice(5, {
            status: 'refunded',
            issueDate: '2023-12-30',
            paidAt: '2024-01-02T10:00:00+00:00',
            total: '20.00',
          }),
          invoice(6, { status: 'cancelled', issueDate: '2024-02-10', total: '5.5' }),
          invoice(7, {
            status: 'paid',
            issueDate: null,
            createdAt: '2024-02-11T09:00:00+00:00',
            paidAt: null,
            total: '1.2345',
          }),
        ],
        null,
      );
      const zero = {
        collected: '0.00',
        outstanding: '0.00',
        creditApplied: '0.00',
        refunded: '0.00',
        cancelled: '0.00',
      };
      expect(await store.revenue({ bySource: false })).toEqual([
        { month: '2023-12', currency: 'EUR', ...zero, invoiced: '20.00', invoiceCount: 1 },
        {
          month: '2024-01',
          currency: 'EUR',
          ...zero,
          invoiced: '100.30',
          collected: '20.00',
          outstanding: '0.20',
          creditApplied: '10.00',
          refunded: '20.00',
          invoiceCount: 3,
        },
        {
          month: '2024-02',
          currency: 'EUR',
          ...zero,
          invoiced: '6.7345',
          collected: '100.00',
          outstanding: '0.10',
          cancelled: '5.50',
          invoiceCount: 2,
        },
      ]);
      expect(await store.revenue({ bySource: true, from: '2024-02-29', to: '2024-02' })).toMatchObject([
        { month: '2024-02', source: 'eu', invoiced: '6.7345' },
      ]);
      await store.removeInvoices('eu', [1, 6, 7]);
      expect(await store.revenue({ bySource: false, from: '2024-02' })).toEqual([
        {
          month: '2024-02',
          currency: 'EUR',
          ...zero,
          invoiced: '0.00',
          outstanding: '0.10',
          invoiceCount: 0,
        },
      ]);
    });

    it('refuses a malformed month', async () => {
      await expect(store.revenue({ bySource: false, from: '2024-13' })).rejects.toThrow(/from "2024-13"/);
      await expect(store.revenue({ bySource: false, to: 'March' })).rejects.toThrow(RangeError);
    });

    it('equals a brute-force computation through inserts, updates, tombstones and revivals', async () => {
      const random = seededRandom(41);
      const zones: Record<string, string> = {
        asia: 'Asia/Tokyo',
        eu: 'Europe/Berlin',
        us: 'America/New_York',
      };
      const current = new Map<string, { fetched: FetchedInvoice; live: boolean }>();
      const key = (source: string, id: number) => `${source}/${id}`;
      const apply = async (source: string, rows: FetchedInvoice[], seenInRun?: string) => {
        await store.applyPage(source, rows, null, seenInRun);
        for (const f of rows) current.set(key(source, f.invoice.id), { fetched: f, live: true });
      };
      const queries: RevenueQuery[] = [
        { bySource: true },
        { bySource: false },
        { bySource: false, from: '2023-02', to: '2023-11-15' },
        { bySource: true, sources: ['eu', 'asia'] },
        { bySource: false, sources: ['us'], from: '2024-01-01' },
        { bySource: true, sources: [] },
      ];
      const check = async () => {
        const live = [...current.values()].filter((c) => c.live).map((c) => c.fetched.invoice);
        for (const q of queries) expect(await store.revenue(q)).toEqual(bruteForce(live, q));
      };

      for (const source of Object.keys(zones)) {
        for (let first = 1; first <= 200; first += 50) {
          const page = Array.from({ length: 50 }, (_, i) =>
            makeInvoice(random, { source, id: first + i, timeZone: zones[source], messy: true }),
          );
          await apply(source, page);
        }
      }
      const everything = await store.revenue({ bySource: true });
      expect(everything.length).toBeGreaterThan(300);
      expect(new Set(everything.map((r) => r.currency)).size).toBe(4);
      expect(everything.some((r) => r.invoiced.startsWith('-') || /\.\d{3,4}$/.test(r.invoiced))).toBe(true);
      await check();

      const pickId = () => 1 + Math.floor(random() * 200);
      const sources = Object.keys(zones);
      for (let round = 0; round < 4; round++) {
        for (const source of sources) {
          // Edits (status changes, payments, new amounts), some twice in a page.
          const edits = Array.from({ length: 20 }, () =>
            editInvoice(random, { source, id: pickId(), timeZone: zones[source]! }, { messy: true }),
          );
          await apply(source, edits);
          // Tombstones, then revivals of some earlier ones (unchanged and changed).
          const gone = Array.from({ length: 8 }, pickId);
          await store.removeInvoices(source, gone);
          for (const id of gone) current.get(key(source, id))!.live = false;
          const dead = [...current.entries()].filter(([k, c]) => !c.live && k.startsWith(`${source}/`));
          const back = dead
            .slice(0, 3)
            .map(([, c], i) => (i === 0 ? editInvoice(random, c.fetched.invoice) : c.fetched));
          await apply(source, back);
          await check();
        }
        // A full run of one source that misses a tenth of its invoices.
        const source = sources[round % sources.length]!;
        const runId = `full-${round}`;
        const seen = [...current.values()]
          .filter((c) => c.fetched.invoice.source === source && random() > 0.1)
          .map((c) => c.fetched);
        await apply(source, seen, runId);
        const { removed } = await store.finishFullRun(source, runId);
        expect(removed).toBeGreaterThan(0);
        const seenIds = new Set(seen.map((f) => f.invoice.id));
        for (const [k, c] of current)
          if (c.fetched.invoice.source === source && !seenIds.has(c.fetched.invoice.id)) {
            if (c.live) current.set(k, { ...c, live: false });
          }
        await check();
      }
    });
  });
});
