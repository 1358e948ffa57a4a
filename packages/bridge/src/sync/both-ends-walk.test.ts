import { WhmcsWalkError } from '@forecaster/whmcs-client';
import { describe, expect, it } from 'vitest';
import { type BothEndsOptions, type BothEndsState, walkBothEnds } from './both-ends-walk.ts';
import { LatencySizer, sizedFetch } from './page-sizer.ts';
import { FakeInvoiceList, type FakeListOptions } from './testing/fake-invoice-list.ts';

/** `now`: the clock the sizer times pages by (a fake one makes their sizes deterministic). */
async function walk(list: FakeInvoiceList, options: Partial<BothEndsOptions> = {}, now?: () => number) {
  const ids: number[] = [];
  const ends: string[] = [];
  let evidence: unknown;
  let error: unknown;
  let state: BothEndsState | undefined;
  let kind: string | undefined;
  let inFlight = 0;
  let maxInFlight = 0;
  const inner =
    options.sizer instanceof LatencySizer ? sizedFetch(list.fetch, options.sizer, now) : list.fetch;
  const fetch: typeof list.fetch = async (...args) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    try {
      return await inner(...args);
    } finally {
      inFlight--;
    }
  };
  try {
    for await (const page of walkBothEnds(fetch, { pageSize: 100, concurrency: 2, ...options })) {
      ids.push(...page.rows.map((r) => Number(r.id)));
      ends.push(page.end);
      evidence = page.evidence;
      state = page.state;
      kind = page.walk;
    }
  } catch (err) {
    error = err;
  }
  return { ids, ends, evidence, error, state, maxInFlight, kind };
}

/** A walk stopped once it yielded `rows` invoices: what it yielded and the state saved with its last page. */
async function interrupted(list: FakeInvoiceList, rows: number) {
  const first: number[] = [];
  let state: BothEndsState | undefined;
  for await (const page of walkBothEnds(list.fetch, { pageSize: 100, concurrency: 2 })) {
    first.push(...page.rows.map((r) => Number(r.id)));
    state = page.state;
    if (first.length >= rows) break;
  }
  return { first, state };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

describe('a full walk from both ends (issue 17 item 1)', () => {
  it('reads every invoice once, meets in the middle, in about one call per page', async () => {
    const list = new FakeInvoiceList(10_000);
    const walked = await walk(list, {
      expect: { maxId: 10_000, orphanAllowance: 0 },
    });
    const { ids, ends, evidence, error, maxInFlight } = walked;
    expect(error).toBeUndefined();
    expect(sorted(ids)).toEqual(range(1, 10_000));
    expect(ids.length).toBe(10_000);
    expect(ends).toContain('low');
    expect(ends).toContain('high');
    expect(evidence).toMatchObject({ complete: true, distinctIds: 10_000, highestId: 10_000, shortfall: 0 });
    expect(walked.kind).toBe('both-ends');
    expect(maxInFlight).toBeLessThanOrEqual(2);
    // 100 pages of 100 rows, up to two splitting the meeting, the page each end has in flight
    // when they meet, and the top check. (A one-ended walk: 101.)
    expect(list.calls.length).toBeLessThanOrEqual(106);
    // Each end walked about half: no offset beyond the middle plus a page.
    expect(Math.max(...list.calls.map((c) => c.start))).toBeLessThan(5_200);
  });

  it('sends one call until WHMCS answered one (a refused login costs one failed login, not two)', async () => {
    let answered = 0;
    const list = new FakeInvoiceList(1_000, {
      before: (_, call) => {
        if (call === 2) expect(answered).toBe(1);
        answered++;
      },
    });
    const { error } = await walk(list);
    expect(error).toBeUndefined();
  });

  it('grows pages up to the largest allowed (limitnum never above 1000) and never more in flight than allowed', async () => {
    const list = new FakeInvoiceList(30_000);
    const sizer = new LatencySizer({ start: 250, max: 1000, budgetMs: 2_000 });
    const { ids, error, maxInFlight } = await walk(list, { pageSize: 250, sizer, concurrency: 2 });
    expect(error).toBeUndefined();
    expect(sorted(ids)).toEqual(range(1, 30_000));
    expect(Math.max(...list.calls.map((c) => c.limit))).toBeLessThanOrEqual(1000);
    expect(list.calls.filter((c) => c.limit >= 999).length).toBeGreaterThan(20);
    expect(list.calls.length).toBeLessThan(40);
    expect(maxInFlight).toBeLessThanOrEqual(2);
  });

  it('with invoices added and deleted at both ends and in the middle during the walk: no gap, no repeat', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      let rnd = seed * 7919;
      const random = () => {
        rnd = (rnd * 48271) % 2147483647;
        return rnd / 2147483647;
      };
      const deleted = new Set<number>();
      const options: FakeListOptions = {
        before: (list) => {
          for (let k = 0; k < 3; k++) {
            const victim = list.ids[Math.floor(random() * list.ids.length)]!;
            list.remove(victim);
            deleted.add(victim);
          }
          // The newest and the oldest go too, now and then.
          for (const victim of [random() < 0.3 && list.ids.at(-1), random() < 0.3 && list.ids[0]]) {
            if (!victim) continue;
            list.remove(victim);
            deleted.add(victim);
          }
          list.add(2);
        },
      };
      const list = new FakeInvoiceList(5_000, options);
      const sizer = new LatencySizer({ start: 100, max: 400, budgetMs: 2_000 });
      const { ids, evidence, error } = await walk(list, { pageSize: 100, sizer, concurrency: 3 });
      expect(error).toBeUndefined();
      expect(new Set(ids).size).toBe(ids.length);
      // Every invoice that was there all along was seen.
      const seen = new Set(ids);
      for (const id of list.ids) expect(seen.has(id) || id > 5_000).toBe(true);
      for (let id = 1; id <= 5_000; id++) if (!deleted.has(id)) expect(seen.has(id)).toBe(true);
      // And invoices created during the walk, up to the top check, too.
      expect(list.ids.filter((id) => !seen.has(id)).length).toBeLessThanOrEqual(2);
      expect(evidence).toMatchObject({ complete: true });
    }
  });

  it('a server that caps pages at 100 while 250 to 1000 are asked: complete, in pages of the cap', async () => {
    const list = new FakeInvoiceList(5_000, { cap: 100 });
    const sizer = new LatencySizer({ start: 250, max: 1000, budgetMs: 2_000 });
    const { ids, evidence, error } = await walk(list, {
      pageSize: 250,
      sizer,
      expect: { maxId: 5_000, orphanAllowance: 0 },
    });
    expect(error).toBeUndefined();
    expect(sorted(ids)).toEqual(range(1, 5_000));
    expect(evidence).toMatchObject({ complete: true });
    expect(sizer.max).toBeLessThanOrEqual(98);
    expect(list.calls.length).toBeLessThan(5_000 / 100 + 12);
  });

  it('a server that ignores `order` (the walk down sees ids rising): the walk up goes on alone, complete', async () => {
    const list = new FakeInvoiceList(3_000, { ignoreOrder: true });
    const { ids, evidence, error, kind } = await walk(list, { expect: { maxId: 3_000, orphanAllowance: 0 } });
    expect(error).toBeUndefined();
    expect(sorted(ids)).toEqual(range(1, 3_000));
    expect(ids.length).toBe(3_000);
    expect(evidence).toMatchObject({ complete: true });
    expect(kind).toBe('up');
  });

  it('a server that honours `order=desc` and ignores `asc`: the walk down goes on alone, complete, named', async () => {
    const list = new FakeInvoiceList(3_000, { ignoreAsc: true, orphans: 4 });
    for (const id of [1, 2, 1_500]) list.remove(id);
    const { ids, evidence, error, kind } = await walk(list, {
      expect: { maxId: 3_000, orphanAllowance: 300 },
      orphans: 4,
    });
    expect(error).toBeUndefined();
    expect(sorted(ids)).toEqual(range(3, 3_000).filter((id) => id !== 1_500));
    expect(ids.length).toBe(2_997);
    expect(evidence).toMatchObject({ complete: true, shortfall: 4 });
    expect(kind).toBe('down');
    // Two asc pages out of order (the walk up's two tries), then the walk down: about 30 pages.
    expect(list.calls.filter((c) => c.order === 'asc').length).toBe(2);
    expect(list.calls.length).toBeLessThan(36);
  });

  it('the walk down alone, resumed from its saved state: down at once, no call up again', async () => {
    const list = new FakeInvoiceList(3_000, { ignoreAsc: true });
    const { first, state } = await interrupted(list, 1_000);
    expect(state).toMatchObject({ downOnly: true });
    const before = list.calls.length;
    const rest = await walk(list, {
      resume: state!,
      expect: { maxId: 3_000, orphanAllowance: 0 },
      orphans: 0,
    });
    expect(rest.error).toBeUndefined();
    expect(rest.kind).toBe('down');
    expect(list.calls.slice(before).filter((c) => c.order === 'asc')).toEqual([]);
    expect(sorted([...first, ...rest.ids])).toEqual(range(1, 3_000));
  });

  it('the walk down alone, more missing than the last walk’s orphans (within the delete budget): count_shortfall', async () => {
    // Its bottom is proven by the count only: a cut last page must not pass as the end.
    const list = new FakeInvoiceList(3_000, { ignoreAsc: true, orphans: 9 });
    const { evidence, error } = await walk(list, {
      expect: { maxId: 3_000, orphanAllowance: 300 },
      orphans: 4,
    });
    expect(evidence).toBeUndefined();
    expect(error).toMatchObject({ code: 'incomplete_walk', reason: 'count_shortfall' });
    // With the orphans unknown and invoices stored, none is allowed.
    const unknown = await walk(new FakeInvoiceList(500, { ignoreAsc: true, orphans: 1 }), {
      expect: { maxId: 500 },
    });
    expect(unknown.error).toMatchObject({ reason: 'count_shortfall' });
    // A first sync (nothing stored, nothing to delete) completes.
    const first = await walk(new FakeInvoiceList(500, { ignoreAsc: true, orphans: 2 }), {
      expect: { maxId: 0 },
    });
    expect(first.error).toBeUndefined();
    expect(first.evidence).toMatchObject({ complete: true, shortfall: 2 });
  });

  it('a server that ignores `orderby`: incomplete_walk, no evidence', async () => {
    const list = new FakeInvoiceList(3_000, { ignoreOrderBy: true });
    const { evidence, error } = await walk(list, { expect: { maxId: 3_000 } });
    expect(evidence).toBeUndefined();
    expect(error).toBeInstanceOf(WhmcsWalkError);
  });

  it('more missing than the orphans allowed: count_shortfall, no evidence', async () => {
    const list = new FakeInvoiceList(2_000, { orphans: 30 });
    const { evidence, error } = await walk(list, { expect: { maxId: 2_000, orphanAllowance: 10 } });
    expect(evidence).toBeUndefined();
    expect(error).toMatchObject({ code: 'incomplete_walk', reason: 'count_shortfall' });
  });

  it('the newest stored invoices deleted in WHMCS: complete (WHMCS’s newest is the highest seen)', async () => {
    const list = new FakeInvoiceList(2_000);
    for (let id = 1_990; id <= 2_000; id++) list.remove(id);
    const { evidence, error } = await walk(list, { expect: { maxId: 2_000, orphanAllowance: 0 } });
    expect(error).toBeUndefined();
    expect(evidence).toMatchObject({ complete: true, highestId: 1_989, newestId: 1_989 });
  });

  it('a list read whole by the first page, its newest stored invoice deleted: one call from the top shows it, complete', async () => {
    const list = new FakeInvoiceList(150);
    list.remove(150);
    const { ids, evidence, error } = await walk(list, {
      pageSize: 1000,
      expect: { maxId: 150, orphanAllowance: 0 },
    });
    expect(error).toBeUndefined();
    expect(sorted(ids)).toEqual(range(1, 149));
    expect(evidence).toMatchObject({ complete: true, highestId: 149, newestId: 149 });
    expect(list.calls.at(-1)).toMatchObject({ start: 0, limit: 1, order: 'desc' });
  });

  it('a list read whole by the first page, stored invoices above it and a newest WHMCS will not tell: incomplete', async () => {
    const list = new FakeInvoiceList(150, { ignoreOrder: true });
    list.remove(150);
    const { evidence, error } = await walk(list, {
      pageSize: 1000,
      expect: { maxId: 150, orphanAllowance: 0 },
    });
    expect(evidence).toBeUndefined();
    expect(error).toMatchObject({ code: 'incomplete_walk', reason: 'below_stored_max' });
  });

  it('resumes from the state saved with a page: the rest, once', async () => {
    const list = new FakeInvoiceList(4_000);
    const { first, state } = await interrupted(list, 1_500);
    list.remove(3_000);
    list.add(5);
    const rest = await walk(list, { resume: state!, expect: { maxId: 4_000, orphanAllowance: 0 } });
    expect(rest.error).toBeUndefined();
    const all = [...first, ...rest.ids];
    expect(new Set(all).size).toBe(all.length);
    expect(sorted(all).filter((id) => id !== 3_000)).toEqual(range(1, 4_005).filter((id) => id !== 3_000));
    expect(rest.evidence).toMatchObject({ complete: true, distinctIds: all.length });
  });

  it('resumed after its ends met, as often as a refused run leaves its checkpoint, on an unchanged list: complete every time', async () => {
    // A refused run (mass_delete) keeps the checkpoint of its finished walk, and the next run
    // resumes it. Each end's saved anchor is where it read to: past the meeting by the rest of
    // its page. Before, a resumed end read on a page from there; once both sat at the far ends
    // of the list (the walk up's page that met ran to the top, the first resume's grown page
    // took the walk down to the bottom), the second resume ended 'stopped without meeting'
    // (test/mass-delete.test.ts under load, where latency changes the pages).
    // A fake clock: WHMCS answers every page in 100 ms, well within half the 2 s budget, so
    // pages double as they go, and a resumed run starts at the size the last one grew to.
    let clock = 0;
    const list = new FakeInvoiceList(857, { before: () => (clock += 100) });
    let state: BothEndsState | undefined;
    let size = 150;
    const runs = [];
    for (let run = 0; run < 4; run++) {
      const before = list.calls.length;
      const sizer = new LatencySizer({ start: 150, max: 999, budgetMs: 2_000, resume: size });
      const walked = await walk(
        list,
        {
          pageSize: 150,
          sizer,
          ...(state ? { resume: state } : {}),
          expect: { maxId: 857, orphanAllowance: 0 },
        },
        () => clock,
      );
      runs.push({ ...walked, calls: list.calls.length - before });
      state = walked.state;
      size = sizer.size();
    }
    const [first] = runs;
    expect(sorted(first!.ids)).toEqual(range(1, 857));
    // The setup: pages grew as the walk went (150, 300, 600 rows), the ends met, and the walk
    // up's page went on to the top of the list.
    const limits = list.calls.slice(0, first!.calls).map((c) => c.limit);
    expect([limits[0], Math.max(...limits)]).toEqual([150, 601]);
    expect(first!.kind).toBe('both-ends');
    expect(first!.state?.low).toMatchObject({ id: 857, position: 856 });
    expect(runs.map((r) => (r.error as Error | undefined)?.message)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    for (const rest of runs.slice(1)) {
      expect(rest.ids).toEqual([]);
      expect(rest.evidence).toMatchObject({ complete: true, distinctIds: 857, shortfall: 0 });
      // The walk up's page at the top shows the ends met; the page from the top shows nothing new.
      expect(rest.calls).toBeLessThanOrEqual(2);
    }
  });
});
