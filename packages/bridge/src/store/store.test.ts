import { createHash } from 'node:crypto';
import type { Invoice } from '@forecaster/whmcs-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from './errors.ts';
import { editInvoice, makeInvoice, makeInvoices, seededRandom } from './invoice-fixtures.ts';
import { STORE_KINDS, type StorePlace, storePlace } from './testing/stores.ts';
import type {
  FetchedInvoice,
  InvoiceFilter,
  Store,
  StoredInvoice,
  SyncCheckpoint,
  SyncRunResult,
} from './types.ts';

/*
 * The store's behaviour, pinned once and run against both engines: every test here holds for
 * SQLite and for PostgreSQL alike (engine-specific checks live in sqlite.test.ts and
 * postgres/*.test.ts).
 */
describe.each(STORE_KINDS)('the %s store', (kind) => {
  let place: StorePlace;
  let store: Store;
  let now: number;
  const clock = () => {
    now += 1000;
    return new Date(now);
  };

  beforeEach(async () => {
    place = await storePlace(kind);
    now = Date.UTC(2025, 0, 1);
    store = await place.open(clock);
    await store.upsertSource({ id: 'eu', name: 'EU billing' });
    await store.upsertSource({ id: 'us', name: 'US billing' });
  });

  afterEach(async () => {
    await store.close();
    await place.dispose();
  });

  const checkpoint = (pagesDone: number): SyncCheckpoint => ({
    runId: 'run-1',
    mode: 'full',
    startedAt: '2025-01-01T00:00:00.000Z',
    phase: 'walk',
    anchor: { id: pagesDone * 10, position: pagesDone * 10 - 1 },
    pagesDone,
    rowsDone: pagesDone * 10,
  });

  const ids = (rows: StoredInvoice[]) => rows.map((r) => `${r.invoice.source}/${r.invoice.id}`);

  describe('opening', () => {
    it('answers ping with false once closed, and closes twice without error', async () => {
      await store.close();
      expect(await store.ping()).toBe(false);
      await store.close();
    });

    it('keeps everything across a reopen', async () => {
      const random = seededRandom(1);
      await store.applyPage('eu', makeInvoices(random, 'eu', 1, 20), checkpoint(2));
      const seq = await store.currentSeq();
      const before = await store.revenue({ bySource: true });
      await store.close();
      store = await place.open(clock);
      expect(await store.currentSeq()).toBe(seq);
      expect(await store.revenue({ bySource: true })).toEqual(before);
      expect((await store.getSource('eu'))?.checkpoint).toEqual(checkpoint(2));
      expect(await store.listInvoices({}, undefined, 100)).toHaveLength(20);
    });
  });

  describe('sources', () => {
    const run = (over: Partial<SyncRunResult>): SyncRunResult => ({
      mode: 'full',
      runId: 'r1',
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:01:00.000Z',
      durationMs: 60_000,
      result: 'ok',
      calls: 3,
      rowsRead: 30,
      inserted: 30,
      updated: 0,
      unchanged: 0,
      removed: 0,
      ...over,
    });
    const refusal = { code: 'ip_refused', message: 'Invalid IP 1.2.3.4', at: '2025-01-01T00:00:00.000Z' };

    it('registers, renames and lists sources, with an empty high-water mark', async () => {
      await store.upsertSource({ id: 'eu', name: 'Europe' });
      expect(await store.getSource('eu')).toEqual({
        id: 'eu',
        name: 'Europe',
        failing: false,
        highWaterMark: 0,
        walkState: {},
        quarantined: 0,
      });
      expect((await store.listSources()).map((s) => s.id)).toEqual(['eu', 'us']);
      expect(await store.getSource('nope')).toBeUndefined();
    });

    it('records runs by mode, and a successful run clears the failure', async () => {
      await store.setFailing('eu', refusal);
      expect(await store.getSource('eu')).toMatchObject({ failing: true, lastError: refusal });

      const failed = run({ mode: 'incremental', result: 'failed', error: { ...refusal, code: 'timeout' } });
      await store.recordRun('eu', failed);
      let eu = await store.getSource('eu');
      expect(eu?.lastIncremental).toEqual(failed);
      expect(eu?.lastFull).toBeUndefined();
      expect(eu).toMatchObject({ failing: true, lastError: { code: 'timeout' } });

      await store.recordRun('eu', run({}));
      eu = await store.getSource('eu');
      expect(eu?.lastFull).toEqual(run({}));
      expect(eu?.lastIncremental).toEqual(failed);
      expect(eu?.failing).toBe(false);
      expect(eu?.lastError).toBeUndefined();
    });

    it('lifts the failing state but keeps the error on record', async () => {
      await store.setFailing('us', refusal);
      await store.setFailing('us', null);
      expect(await store.getSource('us')).toMatchObject({ failing: false, lastError: refusal });
    });

    it('saves and clears the checkpoint', async () => {
      await store.saveCheckpoint('eu', checkpoint(3));
      expect((await store.getSource('eu'))?.checkpoint).toEqual(checkpoint(3));
      await store.saveCheckpoint('eu', null);
      expect((await store.getSource('eu'))?.checkpoint).toBeUndefined();
    });

    it('refuses to write for an unknown source', async () => {
      await expect(store.saveCheckpoint('xx', null)).rejects.toMatchObject({ code: 'unknown_source' });
      await expect(store.setFailing('xx', null)).rejects.toBeInstanceOf(StoreError);
      await expect(store.recordRun('xx', run({}))).rejects.toMatchObject({ code: 'unknown_source' });
      await expect(store.applyPage('xx', [], null)).rejects.toThrow(/Unknown source "xx"/);
    });

    it('reports the highest stored id, tombstones included', async () => {
      await store.applyPage('eu', makeInvoices(seededRandom(3), 'eu', 100, 5), null);
      await store.removeInvoices('eu', [104]);
      expect((await store.getSource('eu'))?.highWaterMark).toBe(104);
      expect((await store.getSource('us'))?.highWaterMark).toBe(0);
    });
  });

  describe('applyPage', () => {
    it('inserts, stores the raw record byte for byte, and hands out one seq per row', async () => {
      const rows = makeInvoices(seededRandom(4), 'eu', 1, 3);
      expect(await store.applyPage('eu', rows, null)).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
      expect(await store.currentSeq()).toBe(3);
      const stored = await store.getInvoice('eu', 2);
      expect(stored?.invoice).toEqual(rows[1]!.invoice);
      expect(JSON.stringify(stored?.raw)).toBe(JSON.stringify(rows[1]!.raw));
      expect(stored?.hash).toBe(createHash('sha256').update(JSON.stringify(rows[1]!.raw)).digest('hex'));
      expect(stored?.seq).toBe(2);
      expect(stored?.deletedAt).toBeNull();
    });

    it('leaves unchanged rows and their seq alone, and gives changed ones a new seq', async () => {
      const random = seededRandom(5);
      const rows = makeInvoices(random, 'eu', 1, 4);
      await store.applyPage('eu', rows, null);
      const changed = editInvoice(random, rows[2]!.invoice, { status: 'Paid' });
      expect(JSON.stringify(changed.raw)).not.toBe(JSON.stringify(rows[2]!.raw));
      const result = await store.applyPage('eu', [rows[0]!, rows[1]!, changed, rows[3]!], null);
      expect(result).toEqual({ inserted: 0, updated: 1, unchanged: 3 });
      expect(await store.currentSeq()).toBe(5);
      expect((await store.getInvoice('eu', 3))?.seq).toBe(5);
      expect((await store.getInvoice('eu', 3))?.invoice).toEqual(changed.invoice);
      expect((await store.getInvoice('eu', 1))?.seq).toBe(1);
      expect(await store.applyPage('eu', rows.slice(0, 2), null)).toEqual({
        inserted: 0,
        updated: 0,
        unchanged: 2,
      });
      expect(await store.currentSeq()).toBe(5);
    });

    it('detects a change in any raw field, even one the normalized invoice does not keep', async () => {
      const [row] = makeInvoices(seededRandom(6), 'eu', 1, 1);
      await store.applyPage('eu', [row!], null);
      const raw = { ...row!.raw, some_new_field: 'x' };
      expect(await store.applyPage('eu', [{ invoice: row!.invoice, raw }], null)).toMatchObject({
        updated: 1,
      });
      expect((await store.getInvoice('eu', 1))?.raw).toEqual(raw);
    });

    it('keeps the same id apart in two sources', async () => {
      const random = seededRandom(7);
      await store.applyPage('eu', makeInvoices(random, 'eu', 1, 2), null);
      await store.applyPage('us', makeInvoices(random, 'us', 1, 2), null);
      expect((await store.getInvoice('us', 1))?.invoice.source).toBe('us');
      expect(await store.countFromId('eu', 1)).toBe(2);
      expect(await store.countFromId('us', 2)).toBe(1);
    });

    it('handles one id twice in a page as two successive versions', async () => {
      const random = seededRandom(8);
      const first = makeInvoice(random, { source: 'eu', id: 9, status: 'Unpaid' });
      const second = editInvoice(random, first.invoice, { status: 'Paid' });
      expect(await store.applyPage('eu', [first, second, second], null)).toEqual({
        inserted: 1,
        updated: 1,
        unchanged: 1,
      });
      expect((await store.getInvoice('eu', 9))?.invoice.status).toBe('paid');
    });

    it('saves the checkpoint with the rows, and a page that fails leaves neither rows nor checkpoint', async () => {
      const random = seededRandom(9);
      await store.applyPage('eu', makeInvoices(random, 'eu', 1, 10), checkpoint(1));
      const seq = await store.currentSeq();
      const revenue = await store.revenue({ bySource: true });

      const page = makeInvoices(random, 'eu', 11, 10);
      const update = editInvoice(random, { source: 'eu', id: 1, timeZone: 'UTC' }, { status: 'Refunded' });
      const bad = makeInvoice(random, { source: 'eu', id: 21 });
      bad.invoice.total = '12.34567'; // cannot be stored exactly
      const attempt = store.applyPage('eu', [update, ...page, bad], checkpoint(2));
      await expect(attempt).rejects.toMatchObject({ code: 'invalid_invoice', message: /Invoice 21: total/ });

      expect(await store.getInvoice('eu', 11)).toBeUndefined();
      expect((await store.getInvoice('eu', 1))?.seq).toBe(1);
      expect(await store.currentSeq()).toBe(seq);
      expect((await store.getSource('eu'))?.checkpoint).toEqual(checkpoint(1));
      expect(await store.revenue({ bySource: true })).toEqual(revenue);
      expect(await store.changes(seq, 100)).toEqual([]);

      expect(await store.applyPage('eu', page, checkpoint(2))).toMatchObject({ inserted: 10 });
      expect((await store.getSource('eu'))?.checkpoint).toEqual(checkpoint(2));
      await store.applyPage('eu', [], null);
      expect((await store.getSource('eu'))?.checkpoint).toBeUndefined();
    });

    it('refuses a row of another source or with a mismatched raw record', async () => {
      const random = seededRandom(10);
      const us = makeInvoice(random, { source: 'us', id: 1 });
      await expect(store.applyPage('eu', [us], null)).rejects.toThrow(/from source "us", not "eu"/);
      const eu = makeInvoice(random, { source: 'eu', id: 2 });
      await expect(store.applyPage('eu', [{ invoice: eu.invoice, raw: us.raw }], null)).rejects.toMatchObject(
        {
          code: 'invalid_invoice',
        },
      );
      expect(await store.currentSeq()).toBe(0);
    });
  });

  describe('tombstones', () => {
    it('finishFullRun tombstones exactly the live invoices the run did not see', async () => {
      const random = seededRandom(11);
      const rows = makeInvoices(random, 'eu', 1, 10);
      await store.applyPage('eu', rows, null); // seqs 1..10, seen by no run
      await store.applyPage('us', makeInvoices(random, 'us', 1, 3), null); // 11..13
      await store.removeInvoices('eu', [10]); // 14
      // The run sees 1..7: unchanged rows too, and 4 changed.
      const seen = rows.slice(0, 7);
      seen[3] = editInvoice(random, rows[3]!.invoice, { status: 'Cancelled' });
      expect(await store.applyPage('eu', seen.slice(0, 4), null, 'full-1')).toEqual({
        inserted: 0,
        updated: 1,
        unchanged: 3,
      });
      await store.applyPage('eu', seen.slice(4), null, 'full-1');
      expect(await store.currentSeq()).toBe(15);

      const before = now;
      expect(await store.finishFullRun('eu', 'full-1')).toEqual({ removed: 2 });
      const live = await store.listInvoices({ sources: ['eu'] }, undefined, 100);
      expect(live.map((r) => r.invoice.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      for (const id of [8, 9]) {
        const stone = await store.getInvoice('eu', id);
        expect(stone?.deletedAt).toBe(new Date(before + 1000).toISOString());
        expect(stone?.invoice).toEqual(rows[id - 1]!.invoice); // keeps its last data
      }
      expect([(await store.getInvoice('eu', 8))?.seq, (await store.getInvoice('eu', 9))?.seq]).toEqual([
        16, 17,
      ]);
      expect((await store.getInvoice('eu', 10))?.seq).toBe(14); // already a tombstone: untouched
      expect(await store.countFromId('us', 0)).toBe(3); // another source: untouched
      expect(await store.finishFullRun('eu', 'full-1')).toEqual({ removed: 0 });
      expect(await store.currentSeq()).toBe(17);
    });

    it('a page of ids close together marks seen only its own rows, not those stored between them', async () => {
      const random = seededRandom(13);
      const rows = makeInvoices(random, 'eu', 1, 12);
      await store.applyPage('eu', rows, null, 'full-1');
      // Every other id, one of them changed: the stored rows between them were not listed.
      const odd = rows.filter((r) => r.invoice.id % 2 === 1);
      odd[2] = editInvoice(random, odd[2]!.invoice, { status: 'Cancelled' });
      expect(await store.applyPage('eu', odd, null, 'full-2')).toEqual({
        inserted: 0,
        updated: 1,
        unchanged: 5,
      });
      expect(await store.finishFullRun('eu', 'full-2')).toEqual({ removed: 6 });
      const live = await store.listInvoices({ sources: ['eu'] }, undefined, 100);
      expect(live.map((r) => r.invoice.id)).toEqual([1, 3, 5, 7, 9, 11]);
      expect(live[2]!.invoice.status).toBe('cancelled');
    });

    it('removeInvoices tombstones only live invoices it is given', async () => {
      await store.applyPage('eu', makeInvoices(seededRandom(12), 'eu', 1, 5), null);
      expect(await store.removeInvoices('eu', [2, 2, 4, 99])).toEqual({ removed: 2 });
      expect(await store.removeInvoices('eu', [2])).toEqual({ removed: 0 });
      expect(await store.removeInvoices('us', [1])).toEqual({ removed: 0 });
      expect(await store.countFromId('eu', 0)).toBe(3);
      expect(await store.currentSeq()).toBe(7);
    });

    it('revives a tombstone that comes back, with a new seq, even unchanged', async () => {
      const rows = makeInvoices(seededRandom(13), 'eu', 1, 3);
      await store.applyPage('eu', rows, null);
      await store.removeInvoices('eu', [2]); // seq 4
      expect(await store.applyPage('eu', rows, null)).toEqual({ inserted: 1, updated: 0, unchanged: 2 });
      const revived = await store.getInvoice('eu', 2);
      expect(revived).toMatchObject({ seq: 5, deletedAt: null });
      expect((await store.listInvoices({}, undefined, 10)).map((r) => r.invoice.id)).toEqual([1, 2, 3]);
      expect(await store.changes(3, 10)).toMatchObject([{ seq: 5, id: 2, kind: 'upsert', deletedAt: null }]);
    });
  });

  describe('changes', () => {
    it('lists every row once at its last seq, tombstones included, in seq order', async () => {
      const random = seededRandom(14);
      const rows = makeInvoices(random, 'eu', 1, 6);
      await store.applyPage('eu', rows, null); // 1..6
      await store.applyPage('us', makeInvoices(random, 'us', 1, 2), null); // 7, 8
      await store.applyPage('eu', [editInvoice(random, rows[0]!.invoice, { status: 'Refunded' })], null); // 9
      await store.removeInvoices('eu', [3]); // 10
      await store.applyPage('eu', [makeInvoice(random, { source: 'eu', id: 7 })], null); // 11

      const all = await store.changes(0, 100);
      expect(all.map((c) => [c.seq, c.source, c.id, c.kind])).toEqual([
        [2, 'eu', 2, 'upsert'],
        [4, 'eu', 4, 'upsert'],
        [5, 'eu', 5, 'upsert'],
        [6, 'eu', 6, 'upsert'],
        [7, 'us', 1, 'upsert'],
        [8, 'us', 2, 'upsert'],
        [9, 'eu', 1, 'upsert'],
        [10, 'eu', 3, 'delete'],
        [11, 'eu', 7, 'upsert'],
      ]);
      expect(all[6]!.invoice.status).toBe('refunded');
      expect(all[7]!.invoice).toEqual(rows[2]!.invoice);
      expect(all[7]!.deletedAt).not.toBeNull();

      expect((await store.changes(8, 2)).map((c) => c.seq)).toEqual([9, 10]);
      expect((await store.changes(0, 3, ['us'])).map((c) => c.seq)).toEqual([7, 8]);
      expect((await store.changes(4, 3, ['eu', 'zz'])).map((c) => c.seq)).toEqual([5, 6, 9]);
      expect((await store.changes(8, 100, ['eu'])).map((c) => [c.seq, c.kind])).toEqual([
        [9, 'upsert'],
        [10, 'delete'],
        [11, 'upsert'],
      ]);
      expect((await store.changes(6, 100, ['eu', 'us'])).map((c) => c.seq)).toEqual([7, 8, 9, 10, 11]);
      expect(await store.changes(0, 100, [])).toEqual([]);
      expect(await store.changes(11, 100)).toEqual([]);
      expect(await store.changes(0, 0)).toEqual([]);
    });

    it('lets a follower that pages through changes end up with exactly the live set', async () => {
      const random = seededRandom(15);
      const mirror = new Map<string, Invoice>();
      let since = 0;
      const follow = async () => {
        for (;;) {
          const page = await store.changes(since, 7);
          if (page.length === 0) return;
          for (const c of page) {
            expect(c.seq).toBeGreaterThan(since);
            since = c.seq;
            if (c.kind === 'delete') mirror.delete(`${c.source}/${c.id}`);
            else mirror.set(`${c.source}/${c.id}`, c.invoice);
          }
        }
      };
      for (let round = 0; round < 5; round++) {
        const source = round % 2 ? 'eu' : 'us';
        await store.applyPage(source, makeInvoices(random, source, 1 + round * 5, 20), null);
        await store.removeInvoices(source, [3 + round * 5, 8 + round * 5]);
        await follow();
      }
      const live = await store.listInvoices({}, undefined, 1000);
      expect([...mirror.keys()].sort()).toEqual(ids(live).sort());
      for (const row of live)
        expect(mirror.get(`${row.invoice.source}/${row.invoice.id}`)).toEqual(row.invoice);
    });
  });

  describe('two connections', () => {
    it('hand out one seq sequence between them, and each sees the other’s writes', async () => {
      const other = await place.open(clock);
      const random = seededRandom(21);
      for (let round = 0; round < 6; round++) {
        const writer = round % 2 ? other : store;
        const source = round % 3 ? 'eu' : 'us';
        await writer.applyPage(source, makeInvoices(random, source, 1 + round * 10, 10), null);
        await writer.removeInvoices(source, [1 + round * 10]);
      }
      expect(await store.currentSeq()).toBe(66);
      expect(await other.currentSeq()).toBe(66);
      const seqs = (await other.changes(0, 1000)).map((c) => c.seq);
      expect(seqs).toHaveLength(60);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(60);
      expect(await store.revenue({ bySource: true })).toEqual(await other.revenue({ bySource: true }));
      await other.close();
    });
  });

  describe('status queries', () => {
    it('counts live invoices by status, zeros included', async () => {
      const random = seededRandom(16);
      const page = [
        ...makeInvoices(random, 'eu', 1, 3, { status: 'Paid' }),
        ...makeInvoices(random, 'eu', 4, 2, { status: 'Unpaid' }),
        ...makeInvoices(random, 'eu', 6, 1, { status: 'Payment Pending' }),
      ];
      await store.applyPage('eu', page, null);
      await store.applyPage('us', makeInvoices(random, 'us', 1, 4, { status: 'Draft' }), null);
      await store.removeInvoices('eu', [1]);
      expect(await store.countsByStatus('eu')).toEqual({
        draft: 0,
        unpaid: 2,
        paid: 2,
        cancelled: 0,
        refunded: 0,
        collections: 0,
        payment_pending: 1,
      });
      expect(await store.idsWithStatus('eu', ['unpaid', 'payment_pending', 'draft'])).toEqual([
        { id: 4, clientId: page[3]!.invoice.clientId },
        { id: 5, clientId: page[4]!.invoice.clientId },
        { id: 6, clientId: page[5]!.invoice.clientId },
      ]);
      expect(await store.idsWithStatus('eu', ['paid'])).toEqual([
        { id: 2, clientId: page[1]!.invoice.clientId },
        { id: 3, clientId: page[2]!.invoice.clientId },
      ]);
      expect(await store.idsWithStatus('eu', [])).toEqual([]);
      expect(await store.countFromId('eu', 3)).toBe(4);
    });
  });

  describe('listInvoices', () => {
    let all: FetchedInvoice[];

    beforeEach(async () => {
      const random = seededRandom(17);
      all = [];
      for (const source of ['eu', 'us']) {
        for (let first = 1; first <= 150; first += 50) {
          const page = makeInvoices(random, source, first, 50, { timeZone: 'Europe/Berlin' });
          for (const row of page) if (row.invoice.id % 7 === 0) row.invoice.clientId = 42; // a client to filter on
          await store.applyPage(source, page, null);
          all.push(...page);
        }
      }
      await store.removeInvoices('eu', [5, 6, 70]);
      all = all.filter((r) => !(r.invoice.source === 'eu' && [5, 6, 70].includes(r.invoice.id)));
    });

    const walk = async (filter: InvoiceFilter, limit: number) => {
      const out: StoredInvoice[] = [];
      let after: { source: string; id: number } | undefined;
      for (;;) {
        const page = await store.listInvoices(filter, after, limit);
        expect(page.length).toBeLessThanOrEqual(limit);
        out.push(...page);
        if (page.length < limit) return out;
        const last = page.at(-1)!.invoice;
        after = { source: last.source, id: last.id };
      }
    };
    const expected = (keep: (i: Invoice) => boolean) =>
      all
        .map((r) => r.invoice)
        .filter(keep)
        .map((i) => `${i.source}/${i.id}`);

    const between = (v: string | null, from?: string, to?: string) =>
      v !== null && (from === undefined || v >= from) && (to === undefined || v <= to);

    const cases: Array<[string, InvoiceFilter, (i: Invoice) => boolean]> = [
      ['no filter', {}, () => true],
      ['sources', { sources: ['us'] }, (i) => i.source === 'us'],
      [
        'sources, unsorted and repeated',
        { sources: ['us', 'eu', 'us'], statuses: ['paid'] },
        (i) => i.status === 'paid',
      ],
      [
        'sources and client',
        { sources: ['us'], clientId: 42 },
        (i) => i.source === 'us' && i.clientId === 42,
      ],
      ['an unknown source', { sources: ['zz', 'eu'] }, (i) => i.source === 'eu'],
      ['statuses', { statuses: ['unpaid', 'refunded'] }, (i) => ['unpaid', 'refunded'].includes(i.status)],
      ['currencies', { currencies: ['EUR', 'GBP'] }, (i) => ['EUR', 'GBP'].includes(i.currency)],
      ['clientId', { clientId: 42 }, (i) => i.clientId === 42],
      [
        'issued',
        { issuedFrom: '2023-01-01', issuedTo: '2023-06-30' },
        (i) => between(i.issueDate, '2023-01-01', '2023-06-30'),
      ],
      ['due from', { dueFrom: '2024-01-15' }, (i) => between(i.dueDate, '2024-01-15')],
      ['due to', { dueTo: '2022-05-31' }, (i) => between(i.dueDate, undefined, '2022-05-31')],
      [
        'paid (local date)',
        { paidFrom: '2023-03-01', paidTo: '2023-12-31' },
        (i) => between(i.paidAt?.slice(0, 10) ?? null, '2023-03-01', '2023-12-31'),
      ],
      [
        'combined',
        { sources: ['eu', 'us'], statuses: ['paid'], currencies: ['USD'], issuedFrom: '2023-01-01' },
        (i) => i.status === 'paid' && i.currency === 'USD' && between(i.issueDate, '2023-01-01'),
      ],
      ['empty list', { statuses: [] }, () => false],
    ];

    it.each(cases)('filters by %s, in (source, id) order across pages', async (name, filter, keep) => {
      const want = expected(keep);
      // The data must make each case meaningful: some rows match, and (but for no filter) some do not.
      if (name !== 'empty list') expect(want.length).toBeGreaterThan(0);
      if (name !== 'no filter') expect(want.length).toBeLessThan(all.length);
      expect(ids(await walk(filter, 13))).toEqual(want);
    });

    it('filters by paid date in the invoice’s own zone, not UTC', async () => {
      const late = makeInvoice(seededRandom(18), {
        source: 'eu',
        id: 500,
        status: 'Paid',
        timeZone: 'Europe/Berlin',
      });
      late.raw.datepaid = '2024-03-01 00:30:00'; // 2024-02-29T23:30Z
      const { normalizeInvoice } = await import('@forecaster/whmcs-client');
      late.invoice = normalizeInvoice(late.raw, { source: 'eu', timeZone: 'Europe/Berlin' });
      await store.applyPage('eu', [late], null);
      const march = await store.listInvoices(
        { paidFrom: '2024-03-01', paidTo: '2024-03-01' },
        undefined,
        100,
      );
      expect(ids(march)).toContain('eu/500');
      const feb = await store.listInvoices({ paidFrom: '2024-02-29', paidTo: '2024-02-29' }, undefined, 100);
      expect(ids(feb)).not.toContain('eu/500');
    });

    it('filters on seq, with a small and a large change window', async () => {
      const seq = await store.currentSeq();
      const random = seededRandom(19);
      const edits = [3, 40, 120].map((id) =>
        editInvoice(random, { source: 'us', id, timeZone: 'Europe/Berlin' }),
      );
      await store.applyPage('us', edits, null);
      expect(ids(await walk({ changedSinceSeq: seq }, 2))).toEqual(['us/3', 'us/40', 'us/120']);
      expect(ids(await walk({ changedSinceSeq: 0 }, 50))).toHaveLength(all.length);
      expect(ids(await walk({ changedSinceSeq: -100_000 }, 50))).toHaveLength(all.length); // the key-order plan
    });

    it('walks with a cursor without duplicates or misses while rows change between pages', async () => {
      const random = seededRandom(20);
      const key = (i: Invoice) => `${i.source}/${i.id}`;
      const isAfter = (i: Invoice, c: { source: string; id: number }) =>
        i.source > c.source || (i.source === c.source && i.id > c.id);
      const seen: Invoice[] = [];
      const removed = new Set<string>();
      const insertedAhead: string[] = [];
      const insertedBehind: string[] = [];
      let after: { source: string; id: number } | undefined;
      for (let round = 0; ; round++) {
        const page = await store.listInvoices({}, after, 17);
        seen.push(...page.map((r) => r.invoice));
        if (page.length < 17) break;
        const last = page.at(-1)!.invoice;
        const cursor = { source: last.source, id: last.id };
        after = cursor;
        // Between pages, another writer edits rows behind and ahead of the cursor, inserts rows
        // behind it (which an offset-based walk would see twice) and ahead of it, and removes one ahead.
        const live = (await store.listInvoices({}, undefined, 10_000)).map((r) => r.invoice);
        const behind = live.filter((i) => !isAfter(i, cursor));
        const ahead = live.filter((i) => isAfter(i, cursor));
        for (const target of [behind[round % behind.length], ahead[round % Math.max(1, ahead.length)]]) {
          if (target) await store.applyPage(target.source, [editInvoice(random, target)], null);
        }
        // Behind: revive the tombstones eu/5 and eu/6 while in eu, then add to eu once in us.
        let behindId: number | undefined;
        if (cursor.source === 'us') behindId = 2000 + round;
        else if (round < 2 && cursor.id > 6) behindId = 5 + round;
        if (behindId !== undefined) {
          await store.applyPage('eu', [makeInvoice(random, { source: 'eu', id: behindId })], null);
          insertedBehind.push(`eu/${behindId}`);
        }
        const insertId = 5000 + round;
        await store.applyPage('us', [makeInvoice(random, { source: 'us', id: insertId })], null);
        if (isAfter({ source: 'us', id: insertId } as Invoice, cursor)) insertedAhead.push(`us/${insertId}`);
        const victim = ahead.at(-2);
        if (victim && round % 3 === 0) {
          await store.removeInvoices(victim.source, [victim.id]);
          removed.add(key(victim));
        }
      }
      const keys = seen.map(key);
      expect(new Set(keys).size).toBe(keys.length);
      for (let i = 1; i < seen.length; i++) expect(isAfter(seen[i]!, seen[i - 1]!)).toBe(true);
      for (const k of expected(() => true)) if (!removed.has(k)) expect(keys).toContain(k);
      expect(insertedAhead.length).toBeGreaterThan(5);
      for (const k of insertedAhead) if (!removed.has(k)) expect(keys).toContain(k);
      expect(removed.size).toBeGreaterThan(3);
      for (const k of removed) expect(keys).not.toContain(k);
      expect(insertedBehind.length).toBeGreaterThan(5);
      for (const k of insertedBehind) expect(keys).not.toContain(k);
    });

    it('returns nothing for limit 0 and excludes tombstones', async () => {
      expect(await store.listInvoices({}, undefined, 0)).toEqual([]);
      expect(ids(await walk({ sources: ['eu'] }, 1000))).not.toContain('eu/5');
    });
  });
});
