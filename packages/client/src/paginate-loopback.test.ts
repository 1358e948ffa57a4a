import { describe, expect, it } from 'vitest';
import { createWhmcsClient, type InvoicesOptions } from './client.ts';
import { WhmcsWalkError } from './errors.ts';
import type { WalkPage } from './paginate.ts';
import { defaultMaxCalls } from './paginate.ts';
import { type FakeAnswer, invoiceList, invoicesBody, loopbackWhmcs } from './testing/loopback-whmcs.ts';

const clientFor = (url: string) =>
  createWhmcsClient({
    url,
    credentials: { identifier: 'walker', secret: 'Walk-Secret-Ibex-2210' },
    retry: false,
    timeoutMs: 5000,
  });

/** Every page of a walk, and how it ended: the evidence on the last page, or the error. */
async function walk(url: string, options: InvoicesOptions) {
  const pages: WalkPage[] = [];
  let error: unknown;
  try {
    for await (const page of clientFor(url).invoicePages(options)) pages.push(page);
  } catch (err) {
    error = err;
  }
  const ids = pages.flatMap((p) => p.rows.map((r) => Number(r.id)));
  return { pages, ids, evidence: pages.at(-1)?.evidence, error };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('a full walk carries evidence that it saw the whole list (issue 10, item 2)', () => {
  it('a plain walk of 2,000 ends with evidence: the end by id, the highest id, the count', async () => {
    const list = invoiceList(2000, 7);
    const whmcs = await loopbackWhmcs((call) => list.answer(call.params));
    const { ids, evidence, error } = await walk(whmcs.url, {
      pageSize: 100,
      expect: { maxId: 2000, orphanAllowance: 7 },
    });
    expect(error).toBeUndefined();
    expect(ids).toEqual(range(1, 2000));
    expect(evidence).toMatchObject({
      complete: true,
      endedBy: 'end',
      distinctIds: 2000,
      highestId: 2000,
      totalResults: 2007,
      shortfall: 7,
      expectedMaxId: 2000,
    });
  });

  it('page 2 answered once with page 1 (a cached answer): asked again, and nothing is lost', async () => {
    // Before: the cached page looked like the end of the list; 100 of 2,000 were read and the
    // walk ended as if complete, so the sync tombstoned the other 1,900.
    const list = invoiceList(2000);
    const whmcs = await loopbackWhmcs((call, n) =>
      n === 2 ? list.answer(new URLSearchParams('limitstart=0&limitnum=100')) : list.answer(call.params),
    );
    const { ids, evidence, error } = await walk(whmcs.url, { pageSize: 100, expect: { maxId: 2000 } });
    expect(error).toBeUndefined();
    expect(ids).toEqual(range(1, 2000));
    expect(evidence?.complete).toBe(true);
  });

  it('page 2 always answered with page 1: incomplete_walk, after the first 100', async () => {
    const list = invoiceList(2000);
    const whmcs = await loopbackWhmcs((call) =>
      Number(call.params.get('limitstart')) > 0
        ? list.answer(new URLSearchParams('limitstart=0&limitnum=100'))
        : list.answer(call.params),
    );
    const { ids, evidence, error } = await walk(whmcs.url, { pageSize: 100, expect: { maxId: 2000 } });
    expect(ids).toEqual(range(1, 100));
    expect(evidence).toBeUndefined();
    expect(error).toBeInstanceOf(WhmcsWalkError);
    expect(error).toMatchObject({ code: 'incomplete_walk', reason: 'no_progress' });
    expect(whmcs.calls.length).toBe(3);
  });

  it('`invoices: []` with totalresults 2000 after the first page: incomplete_walk, saying what it saw', async () => {
    const list = invoiceList(2000);
    const whmcs = await loopbackWhmcs((call, n) =>
      n === 1 ? list.answer(call.params) : { body: invoicesBody([], 2000) },
    );
    const { ids, error } = await walk(whmcs.url, {
      pageSize: 100,
      expect: { maxId: 2000, orphanAllowance: 0 },
    });
    expect(ids).toEqual(range(1, 100));
    expect(error).toBeInstanceOf(WhmcsWalkError);
    const err = error as WhmcsWalkError;
    expect(err.reason).toBe('below_stored_max');
    expect(err.seen).toMatchObject({
      distinctIds: 100,
      highestId: 100,
      totalResults: 2000,
      expectedMaxId: 2000,
    });
    expect(err.message).toMatch(/ended at #100 but invoices up to #2000 were stored/);
    expect(err.message).toMatch(/saw 100 distinct invoices .* WHMCS counts 2000/);
  });

  it('the same on a first sync (nothing stored yet) is caught by the count', async () => {
    const list = invoiceList(2000);
    const whmcs = await loopbackWhmcs((call, n) =>
      n === 1 ? list.answer(call.params) : { body: invoicesBody([], 2000) },
    );
    const { error } = await walk(whmcs.url, { pageSize: 100, expect: { orphanAllowance: 12 } });
    expect(error).toMatchObject({ code: 'incomplete_walk', reason: 'count_shortfall' });
    expect((error as WhmcsWalkError).seen.shortfall).toBe(1900);
  });

  it('the newest invoices deleted in WHMCS: one extra call confirms the top, and the walk is complete', async () => {
    const list = invoiceList(2000);
    for (const id of range(1991, 2000)) list.remove(id);
    const whmcs = await loopbackWhmcs((call) => list.answer(call.params));
    const { ids, evidence, error } = await walk(whmcs.url, { pageSize: 100, expect: { maxId: 2000 } });
    expect(error).toBeUndefined();
    expect(ids).toEqual(range(1, 1990));
    expect(evidence).toMatchObject({ complete: true, highestId: 1990, newestId: 1990, expectedMaxId: 2000 });
    const last = whmcs.calls.at(-1)!.params;
    expect([last.get('order'), last.get('limitnum')]).toEqual(['desc', '1']);
  });

  it('a resumed walk counts what it saw before the anchor', async () => {
    const list = invoiceList(500);
    const whmcs = await loopbackWhmcs((call) => list.answer(call.params));
    const first = await walk(whmcs.url, { pageSize: 100 });
    const anchor = first.pages[1]!.anchor!;
    expect(anchor).toEqual({ id: 200, position: 199, seen: 200 });
    const rest = await walk(whmcs.url, {
      pageSize: 100,
      resumeFrom: anchor,
      expect: { maxId: 500, orphanAllowance: 0 },
    });
    expect(rest.ids).toEqual(range(201, 500));
    expect(rest.evidence).toMatchObject({ complete: true, distinctIds: 500, shortfall: 0 });
  });
});

describe('a WHMCS that ignores limitstart (issue 10, item 3)', () => {
  it('stops with incomplete_walk after two pages without progress, not 24,000 calls a minute', async () => {
    const list = invoiceList(2000);
    const whmcs = await loopbackWhmcs((call) => {
      const p = new URLSearchParams(call.params);
      p.set('limitstart', '0');
      return list.answer(p);
    });
    const { ids, error } = await walk(whmcs.url, { pageSize: 100, concurrency: 4, expect: { maxId: 2000 } });
    expect(ids).toEqual(range(1, 100));
    expect(error).toMatchObject({ code: 'incomplete_walk', reason: 'no_progress' });
    expect(whmcs.calls.length).toBeLessThanOrEqual(1 + 4 + 4);
  });

  it('ignoring it while always sending new ids runs into the call ceiling derived from totalresults', async () => {
    // Every answer holds ids never seen before, and totalresults stays 300: no page is ever short.
    let next = 1;
    const whmcs = await loopbackWhmcs((call) => {
      const limit = Number(call.params.get('limitnum'));
      const ids = range(next, next + limit - 1);
      next += limit - 1; // overlap by one, as the walk expects
      return { body: invoicesBody(ids, 300) };
    });
    const { error } = await walk(whmcs.url, { pageSize: 100 });
    expect(error).toMatchObject({ code: 'incomplete_walk', reason: 'call_ceiling' });
    expect(whmcs.calls.length).toBe(defaultMaxCalls(300, 100, 1));
  });

  it('the ceiling can be set per walk', async () => {
    const list = invoiceList(2000);
    const whmcs = await loopbackWhmcs((call) => list.answer(call.params));
    const { error } = await walk(whmcs.url, { pageSize: 100, maxCalls: 5 });
    expect(error).toMatchObject({ code: 'incomplete_walk', reason: 'call_ceiling' });
    expect(whmcs.calls.length).toBe(5);
  });
});

describe('the walk under deletions (issue 10)', () => {
  /** Deletes one invoice before answering each call, chosen by `pick` from what is left. */
  async function deletingWhmcs(count: number, pick: (ids: readonly number[], n: number) => number) {
    const list = invoiceList(count);
    const deleted = new Set<number>();
    const whmcs = await loopbackWhmcs((call, n): FakeAnswer => {
      // Before the fix the walk never finished: a guard so the old code fails instead of hanging.
      if (n > 2000)
        return { status: 500, body: '<html>guard</html>', headers: { 'content-type': 'text/html' } };
      if (list.ids.length > 0 && call.params.get('order') !== 'desc') {
        const id = pick(list.ids, n);
        list.remove(id);
        deleted.add(id);
      }
      return list.answer(call.params);
    });
    return { whmcs, list, deleted };
  }

  it('an invoice deleted before every call, just behind the walk: finishes in a bounded number of calls', async () => {
    let walked = 0;
    const { whmcs, deleted } = await deletingWhmcs(2000, (ids) => {
      // The invoice just before the walk's current offset: the worst case for an offset walk.
      const i = Math.max(0, Math.min(ids.length - 1, walked - 1));
      return ids[i]!;
    });
    const pages: number[] = [];
    let error: unknown;
    try {
      for await (const page of clientFor(whmcs.url).invoicePages({ pageSize: 100 })) {
        pages.push(...page.rows.map((r) => Number(r.id)));
        walked = page.anchor?.position ?? 0;
      }
    } catch (err) {
      error = err;
    }
    expect(error).toBeUndefined();
    expect(new Set(pages).size).toBe(pages.length);
    for (const id of range(1, 2000)) if (!deleted.has(id)) expect(pages).toContain(id);
    // 20 pages of 100 and the end; a recovery costs a step back, not a page, and the overlap
    // then widens to what moves between calls (measured: 22 calls).
    expect(whmcs.calls.length).toBeLessThanOrEqual(30);
  });

  it('random deletions before every call, at several page sizes: complete, exact, bounded', async () => {
    for (const pageSize of [7, 50, 250]) {
      let seed = pageSize;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const { whmcs, deleted } = await deletingWhmcs(1500, (ids) => ids[Math.floor(random() * ids.length)]!);
      const { ids, error } = await walk(whmcs.url, { pageSize });
      expect(error, `pageSize ${pageSize}`).toBeUndefined();
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of range(1, 1500)) if (!deleted.has(id)) expect(ids).toContain(id);
      expect(whmcs.calls.length, `pageSize ${pageSize}`).toBeLessThanOrEqual(
        defaultMaxCalls(1500, pageSize, 1),
      );
    }
  });
});
