import { describe, expect, it } from 'vitest';
import {
  type OpenInvoice,
  planSweep,
  planVanished,
  sweepCandidates,
  sweepOnInstead,
  vanishedCandidates,
  walkCalls,
} from './incremental-plan.ts';

/** Stored ids 1..top; counts what a `countFromId` over them would. */
const storedUpTo = (top: number) => (minId: number) => Math.max(0, top - Math.max(1, minId) + 1);
const PAGES = { start: 250, max: 1000 };

/** Answers only the counts the candidates list (as the engine does), and fails on any other. */
function counted(candidates: number[], top: number) {
  const allowed = new Set(candidates);
  return (id: number) => {
    if (!allowed.has(id)) throw new Error(`asked for an uncounted id ${id}`);
    return storedUpTo(top)(id);
  };
}

const unpaid = (ids: number[], clientOf = (id: number) => id % 97): OpenInvoice[] =>
  ids.map((id) => ({ id, clientId: clientOf(id), status: 'unpaid' }));

describe('calls of a walk with pages doubling up to the largest', () => {
  it('counts the short page that ends it', () => {
    expect(walkCalls(0, PAGES)).toBe(1);
    expect(walkCalls(249, PAGES)).toBe(1);
    expect(walkCalls(250, PAGES)).toBe(2); // a full page does not end a walk
    expect(walkCalls(1_749, PAGES)).toBe(3); // 250 + 500 + 1000
    expect(walkCalls(10_000, PAGES)).toBe(12);
  });
});

describe('the incremental run’s sweep floor, chosen by cost (issue 17 item 2)', () => {
  it('open invoices all recent: one sweep down to near the oldest, Unpaid walked below it', () => {
    // 100,000 stored; 1,900 open among the newest 9,000 (scenario B).
    const open = unpaid(Array.from({ length: 1_900 }, (_, i) => 100_000 - Math.floor(i * 4.7)));
    const candidates = sweepCandidates(open, 100_000);
    const plan = planSweep({
      open,
      highWater: 100_000,
      pages: PAGES,
      storedFrom: counted(candidates, 100_000),
      vanishedShare: 0.1, // a tenth of them left their list at the last run
    });
    // Unpaid is walked below the floor anyway (for invoices reopened there): one call, which may as
    // well read the oldest open ones (fewer than a page) so that the sweep stops above them.
    expect(plan.tails).toHaveLength(1);
    expect(plan.tails[0]).toMatchObject({ status: 'unpaid' });
    expect(plan.tails[0]!.below).toBeLessThan(PAGES.start);
    expect(plan.floor).toBeGreaterThan(Math.min(...open.map((o) => o.id)));
    expect(plan.estimate).toMatchObject({ sweep: walkCalls(100_000 - plan.floor + 1, PAGES), tails: 1 });
    // No more than the sweep to the oldest open (8,930 rows in pages of 250, 500, then 1000) and Unpaid.
    const oldest = Math.min(...open.map((o) => o.id));
    expect(plan.estimate.total).toBeLessThanOrEqual(walkCalls(100_000 - oldest + 1, PAGES) + 1);
  });

  it('an old pile of unpaid invoices (scenario A): a walk of Unpaid, unless many leave it between runs', () => {
    const old = Array.from({ length: 9_000 }, (_, i) => 1 + i * 8); // spread over ids 1..72,000
    const recent = Array.from({ length: 500 }, (_, i) => 100_000 - i * 3);
    const open = [...unpaid(old), ...unpaid(recent)];
    const candidates = sweepCandidates(open, 100_000);
    const storedFrom = counted(candidates, 100_000);
    // When few of them leave their list between runs (none here, as the last run measured):
    // the old pile is cheaper read by status (9,000 rows) than by a sweep over 100,000.
    const plan = planSweep({ open, highWater: 100_000, pages: PAGES, storedFrom, vanishedShare: 0 });
    // (the recent 500 too: one walk of Unpaid beats a sweep over their 1,500 ids.)
    expect(plan.tails).toEqual([{ status: 'unpaid', below: 9_500 }]);
    expect(plan.floor).toBe(100_001);
    expect(plan.estimate.total).toBe(1 + walkCalls(9_500, PAGES));
    // When a tenth of them leave: looking for those below the floor costs more than sweeping.
    const busy = planSweep({ open, highWater: 100_000, pages: PAGES, storedFrom, vanishedShare: 0.1 });
    expect(busy.tails).toEqual([]);
    expect(busy.floor).toBe(1);
  });

  it('no share measured yet (the first run after a full sync): planned as if none left, not a sweep of every id', () => {
    // Old open invoices spread over every id, as in the demo's worlds: looking for a tenth of them
    // below any floor would cost more than sweeping to the bottom, so a tenth made it sweep all.
    const open = unpaid(Array.from({ length: 2_000 }, (_, i) => 20_000 - i * 10));
    const storedFrom = counted(sweepCandidates(open, 20_000), 20_000);
    const plan = planSweep({ open, highWater: 20_000, pages: PAGES, storedFrom });
    expect(plan).toEqual(planSweep({ open, highWater: 20_000, pages: PAGES, storedFrom, vanishedShare: 0 }));
    expect(plan.floor).toBe(20_001);
    expect(plan.tails).toEqual([{ status: 'unpaid', below: 2_000 }]);
    expect(plan.estimate.total).toBe(1 + walkCalls(2_000, PAGES));
  });

  it('nothing open: the sweep reads the new invoices (floor just above the mark), and Unpaid below it', () => {
    const plan = planSweep({ open: [], highWater: 5_000, pages: PAGES, storedFrom: storedUpTo(5_000) });
    expect(plan).toMatchObject({ floor: 5_001, tails: [{ status: 'unpaid', below: 0 }] });
    expect(plan.estimate.total).toBe(2);
  });

  it('reopened invoices below the floor: Unpaid is walked there even with no open invoice stored there, unless nothing is stored there', () => {
    const open = unpaid([9_990, 9_995]);
    const candidates = sweepCandidates(open, 10_000);
    const storedFrom = counted(candidates, 10_000);
    const share = { vanishedShare: 0.1 };
    const plan = planSweep({ open, highWater: 10_000, pages: PAGES, storedFrom, stored: 10_000, ...share });
    expect(plan.floor).toBe(9_990);
    expect(plan.tails).toEqual([{ status: 'unpaid', below: 0 }]);
    // Only drafts open below the floor: Unpaid is walked too.
    const drafts: OpenInvoice[] = [...open, { id: 7, clientId: 1, status: 'draft' }];
    const both = planSweep({
      open: drafts,
      highWater: 10_000,
      pages: PAGES,
      storedFrom: counted(sweepCandidates(drafts, 10_000), 10_000),
      stored: 10_000,
      ...share,
    });
    expect(both.tails.map((t) => t.status).sort()).toEqual(['draft', 'unpaid']);
    // Every stored invoice at or above the floor: nothing below it to reopen.
    const young = planSweep({ open, highWater: 10_000, pages: PAGES, storedFrom, stored: 11, ...share });
    expect(young.tails).toEqual([]);
  });

  it('few open drafts far down and many recent unpaid: a walk of Draft below, the sweep above', () => {
    const open: OpenInvoice[] = [
      ...unpaid(Array.from({ length: 800 }, (_, i) => 50_000 - i * 2)),
      { id: 12, clientId: 3, status: 'draft' },
      { id: 40, clientId: 4, status: 'draft' },
    ];
    const candidates = sweepCandidates(open, 50_000);
    const plan = planSweep({
      open,
      highWater: 50_000,
      pages: PAGES,
      storedFrom: counted(candidates, 50_000),
      vanishedShare: 0.1,
    });
    expect(plan.tails).toEqual([
      { status: 'draft', below: 2 },
      { status: 'unpaid', below: 0 },
    ]);
    expect(plan.floor).toBe(50_000 - 799 * 2);
    // The sweep, one page of Draft and one of Unpaid, and two calls for a tenth of the two drafts' client.
    expect(plan.estimate.total).toBeCloseTo(walkCalls(1_599, PAGES) + 2 + 0.4);
  });
});

describe('where the invoices that left the open lists below the floor are looked for', () => {
  it('a few far below, each of another client: by client', () => {
    const vanished = [
      { id: 900, clientId: 1 },
      { id: 500, clientId: 2 },
    ];
    const candidates = vanishedCandidates(vanished, 90_000);
    const p = planVanished({
      vanished,
      floor: 90_000,
      pages: PAGES,
      storedFrom: counted(candidates, 100_000),
    });
    expect(p).toMatchObject({ byWalk: [], byClient: vanished, floor: 90_000, calls: 4 });
  });

  it('many just below the floor, all of different clients: the sweep goes on down past them', () => {
    const vanished = Array.from({ length: 40 }, (_, i) => ({ id: 89_990 - i * 20, clientId: i + 1 }));
    const candidates = vanishedCandidates(vanished, 90_000);
    const p = planVanished({
      vanished,
      floor: 90_000,
      pages: PAGES,
      storedFrom: counted(candidates, 100_000),
    });
    expect(p.byClient).toEqual([]);
    expect(p.byWalk).toHaveLength(40);
    expect(p.floor).toBe(89_990 - 39 * 20);
    expect(p.calls).toBe(walkCalls(90_000 - p.floor, { start: 1000, max: 1000 }));
  });

  it('splits: the near ones by the walk, a lone old one by its client', () => {
    const near = Array.from({ length: 30 }, (_, i) => ({ id: 89_999 - i * 10, clientId: 100 + i }));
    const old = { id: 17, clientId: 7 };
    const vanished = [...near, old];
    const candidates = vanishedCandidates(vanished, 90_000);
    const p = planVanished({
      vanished,
      floor: 90_000,
      pages: PAGES,
      storedFrom: counted(candidates, 100_000),
    });
    expect(p.byWalk).toEqual(near);
    expect(p.byClient).toEqual([old]);
    expect(p.calls).toBe(1 + 2);
  });
});

describe('walks per status below the floor, or the sweep on down (decided after each status’s first page)', () => {
  const base = {
    openBelow: 12_000,
    clientsBelow: 330,
    storedBelow: 100_000,
    pages: { start: 999, max: 999 },
  };
  it('many left (a world whose old open invoices are spread over every id): sweep on down', () => {
    // Draft's first page: 100 of 3,000 stored below the floor left it; 11 calls of walks to go.
    expect(sweepOnInstead({ ...base, walkCallsLeft: 11, probed: 3_000, left: 100 })).toBe(true);
  });
  it('few left, or the walks nearly done: go on', () => {
    expect(sweepOnInstead({ ...base, walkCallsLeft: 11, probed: 3_000, left: 3 })).toBe(false);
    // The last page of the last status: nothing is saved by stopping.
    expect(sweepOnInstead({ ...base, walkCallsLeft: 0, probed: 12_000, left: 400 })).toBe(false);
  });
});
