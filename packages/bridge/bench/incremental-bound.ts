/*
 * How few calls an incremental run could make if it knew the answers: the bound section 2
 * measures each world against. Computed from the simulator's truth before and after the
 * changes, not from a run.
 *
 * The family of plans searched: a sweep newest first over every status to any depth (pages of
 * `page` rows), then, below it, one walk per open status with invoices open there now (Unpaid always: an
 * invoice reopened below the sweep is in no other list), and for every invoice that left the
 * open lists below it, a page of `page` rows placed exactly where it now sits in its status's
 * id-ordered list (one page serving every such invoice it covers). A deleted one is proved gone
 * by a page of the all-status list around where it was, or by its client's list (one call per
 * client), whichever of the two costs fewer calls for all of them. This is the current planner's
 * family plus the two suggestions (status walks that stop early, and locating an invoice
 * in an id-ordered status list, here for free and exactly: bisection would cost more). Orders
 * other than id are left out: WHMCS orders by status without a unique tie order, so only a page
 * holding a whole status proves anything, and the largest such saving (Draft and Collections,
 * adjacent in that order, in one call) is at most one call a run.
 */

export interface InvoiceState {
  status: string;
  userid: number;
}

export interface BoundPlan {
  /** Calls of the cheapest plan found. */
  calls: number;
  /** Pages of the sweep newest first. */
  sweep: number;
  /** Calls by part: 'walk:<Status>' (below the sweep), 'found:<Status>' (placed pages), 'gone'. */
  parts: Record<string, number>;
}

const OPEN = new Set(['Unpaid', 'Payment Pending', 'Collections', 'Draft']);

/** Pages of `page` consecutive ranks covering every rank in `ranks`, placed greedily (optimal on a line). */
export function pagesCovering(ranks: readonly number[], page: number): number {
  const sorted = [...ranks].sort((a, b) => a - b);
  let pages = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const rank of sorted) {
    if (rank <= end) continue;
    pages++;
    end = rank + page - 1;
  }
  return pages;
}

/** How many of `desc` (sorted descending) are above `id`. */
function above(desc: Int32Array, id: number): number {
  let lo = 0;
  let hi = desc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (desc[mid]! > id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const descending = (ids: Iterable<number>) => Int32Array.from(ids).sort().reverse();

/** The cheapest plan of the family above that brings a store holding `before` to `after`. */
export function cheapestPlan(
  before: ReadonlyMap<number, InvoiceState>,
  after: ReadonlyMap<number, InvoiceState>,
  page: number,
): BoundPlan {
  const all = descending(after.keys());
  const lists = new Map<string, number[]>();
  for (const [id, { status }] of after) {
    const list = lists.get(status) ?? [];
    if (list.length === 0) lists.set(status, list);
    list.push(id);
  }
  const sortedLists = new Map([...lists].map(([status, ids]) => [status, descending(ids)]));
  // Open now, by status: what the walks below the sweep must read (those that left are looked
  // for where they went).
  const open: Array<{ rank: number; status: string }> = [];
  for (const [id, { status }] of after) if (OPEN.has(status)) open.push({ rank: above(all, id), status });
  // Open before, not now: where each went, and its rank there.
  const left: Array<{ rank: number; to: string; at: number; userid: number }> = [];
  for (const [id, { status, userid }] of before) {
    if (!OPEN.has(status)) continue;
    const now = after.get(id);
    if (now && OPEN.has(now.status)) continue;
    const rank = above(all, id);
    left.push({
      rank,
      to: now?.status ?? 'gone',
      at: now ? above(sortedLists.get(now.status)!, id) : rank,
      userid,
    });
  }
  // The sweep reads every new invoice (those above the highest id stored before).
  let mark = 0;
  for (const id of before.keys()) mark = Math.max(mark, id);
  const fresh = above(all, mark);
  let best: BoundPlan | undefined;
  for (let sweep = 1; (sweep - 1) * page <= all.length; sweep++) {
    const floor = sweep * page; // the sweep reads ranks [0, floor)
    if (floor <= fresh) continue;
    const parts: Record<string, number> = {};
    if (floor > all.length) {
      // The sweep read every invoice (ending on a short page): nothing is left to look for.
      if (!best || sweep < best.calls) best = { calls: sweep, sweep, parts };
      break;
    }
    const below = new Map<string, number>([['Unpaid', 0]]);
    for (const o of open) if (o.rank >= floor) below.set(o.status, (below.get(o.status) ?? 0) + 1);
    // A walk ends on a short page: n rows take floor(n / page) + 1 calls.
    for (const [status, n] of below) parts[`walk:${status}`] = Math.floor(n / page) + 1;
    const found = new Map<string, number[]>();
    const gone: typeof left = [];
    for (const l of left) {
      if (l.rank < floor) continue;
      if (l.to === 'gone') gone.push(l);
      else found.set(l.to, [...(found.get(l.to) ?? []), l.at]);
    }
    for (const [status, ranks] of found) parts[`found:${status}`] = pagesCovering(ranks, page);
    if (gone.length > 0)
      parts.gone = Math.min(
        pagesCovering(
          gone.map((g) => g.rank),
          page,
        ),
        new Set(gone.map((g) => g.userid)).size,
      );
    const calls = sweep + Object.values(parts).reduce((a, b) => a + b, 0);
    if (!best || calls < best.calls) best = { calls, sweep, parts };
  }
  return best!;
}
