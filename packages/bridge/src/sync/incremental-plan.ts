import type { InvoiceStatus } from '@forecaster/whmcs-client';

/*
 * The incremental run's plan, chosen per run from a cost estimate in WHMCS calls. Pure: the
 * engine reads the counts it needs from the store (the ids `sweepCandidates` and
 * `vanishedCandidates` list) and runs the plan (incremental-sync.ts).
 *
 * The run must re-read every open invoice, read every new one, and find where every invoice
 * that was open went. One newest-first walk over every status ("the sweep") down to a floor
 * does all three above the floor; below it, each open status with stored invoices there is
 * walked up from the oldest id to the floor, and the invoices that left the open lists below
 * it are found by walking the sweep on down past them, or by their client's list.
 */

/** A stored invoice that was open before this run. */
export interface OpenInvoice {
  id: number;
  clientId: number;
  status: InvoiceStatus;
}

/** An invoice that left the open lists since the last run: where did it go? */
export interface VanishedInvoice {
  id: number;
  clientId: number;
}

export interface PageSizes {
  /** The first page's rows. */
  start: number;
  /** The largest page (pages double up to it). */
  max: number;
}

/** Calls for a walk that reads `rows` rows and ends on a short page, with pages doubling from `start` to `max`. */
export function walkCalls(rows: number, pages: PageSizes): number {
  let calls = 0;
  let left = rows + 1; // the end is a short page: a walk of exactly full pages needs one more
  let size = Math.max(1, pages.start);
  while (left > 0) {
    calls++;
    left -= size;
    size = Math.min(Math.max(pages.max, pages.start), size * 2);
  }
  return calls;
}

export interface SweepPlan {
  /** The sweep walks newest first down to this id (inclusive): everything at or above it is read. */
  floor: number;
  /** Open statuses walked up from the oldest id to the floor, with their stored open invoices below it. */
  tails: Array<{ status: InvoiceStatus; below: number }>;
  /** Calls this plan is estimated to cost (the sweep, the walks below it, the look-ups), and how many floors were weighed. */
  estimate: { sweep: number; tails: number; lookup: number; total: number; considered: number };
}

/**
 * The floors `planSweep` considers: above the mark (new invoices only), open invoices' ids at
 * 50 steps down to the oldest, and the lowest id of each of the 25 clusters of open invoices
 * with the widest gaps below them (a sweep that stops there reads the cluster and no gap).
 */
export function sweepCandidates(open: readonly OpenInvoice[], highWater: number): number[] {
  const ids = [...new Set(open.map((o) => o.id))].filter((id) => id <= highWater).sort((a, b) => b - a);
  const floors = new Set([highWater + 1]);
  const step = Math.max(1, Math.floor(ids.length / 50));
  for (let i = 0; i < ids.length; i += step) floors.add(ids[i]!);
  const gaps = ids.slice(0, -1).map((id, i) => ({ id, gap: id - ids[i + 1]! }));
  for (const { id } of gaps.sort((a, b) => b.gap - a.gap).slice(0, 25)) floors.add(id);
  if (ids.length > 0) floors.add(ids.at(-1)!);
  return [...floors].sort((a, b) => b - a);
}

/**
 * The share of open invoices assumed to have left their lists when no run measured it (the first
 * incremental run after a first full sync): none. The floor is only an estimate's choice; the
 * invoices that did leave are looked for with what the run finds ({@link planVanished}), at worst
 * by the sweep going on down past them, which costs about what a deeper sweep would have. So
 * assuming none costs at most the walks per status below the floor (and a page) when many left,
 * while assuming many makes a world whose old open invoices are spread over every id sweep all of
 * it (the demo's 20,000 invoices: 22 calls instead of 5).
 */
export const DEFAULT_VANISHED_SHARE = 0;

/**
 * The floor of the sweep that costs the fewest calls (Unpaid is always walked below it, for
 * invoices reopened there): deeper sweeps read more old invoices;
 * shallower ones leave more open invoices to walks per status (each at least one call), and
 * more of those that left the open lists to be looked for below the floor (the sweep on down
 * to the oldest open invoice, or two calls per client: the cheaper). `vanishedShare` is the
 * share of open invoices expected to have left (the last run's). `storedFrom(id)` counts the
 * stored invoices at or above `id`, for every id {@link sweepCandidates} lists.
 */
export function planSweep(input: {
  open: readonly OpenInvoice[];
  highWater: number;
  pages: PageSizes;
  storedFrom: (minId: number) => number;
  vanishedShare?: number;
  /** Live invoices stored (nothing below a floor where `storedFrom(floor)` is all of them). */
  stored?: number;
}): SweepPlan {
  const { open, highWater, pages, storedFrom } = input;
  const share = input.vanishedShare ?? DEFAULT_VANISHED_SHARE;
  const storedBelow = (floor: number) =>
    floor > 1 && (input.stored === undefined || storedFrom(floor) < input.stored);
  const candidates = sweepCandidates(open, highWater);
  const oldest = candidates.at(-1)!;
  let best: SweepPlan | undefined;
  for (const floor of candidates) {
    const below = new Map<InvoiceStatus, number>();
    const clients = new Set<number>();
    let count = 0;
    for (const o of open) {
      if (o.id >= floor) continue;
      below.set(o.status, (below.get(o.status) ?? 0) + 1);
      clients.add(o.clientId);
      count++;
    }
    const tails = [...below].map(([status, n]) => ({ status, below: n }));
    // An invoice reopened (Paid or Cancelled back to Unpaid: WHMCS's "mark unpaid", a payment
    // taken back) below the floor was in no open list at the last run: only a walk of Unpaid
    // below the floor finds it. One call when there is none, so Unpaid is always walked there.
    if (!below.has('unpaid') && storedBelow(floor)) tails.push({ status: 'unpaid', below: 0 });
    const sweep = walkCalls(storedFrom(floor), pages);
    const tailCalls = tails.reduce((sum, t) => sum + walkCalls(t.below, pages), 0);
    const expected = share * count;
    const lookup =
      count === 0
        ? 0
        : Math.min(
            2 * Math.min(expected, clients.size),
            walkCalls(storedFrom(oldest) - storedFrom(floor), { start: pages.max, max: pages.max }),
          );
    const total = sweep + tailCalls + lookup;
    if (!best || total < best.estimate.total) {
      best = {
        floor,
        tails,
        estimate: { sweep, tails: tailCalls, lookup, total, considered: candidates.length },
      };
    }
  }
  return best!;
}

export interface VanishedPlan {
  /** Found by walking the sweep on down to `floor` (inclusive). */
  byWalk: VanishedInvoice[];
  /** Found in their client's list (two calls per client). */
  byClient: VanishedInvoice[];
  /** How far the sweep goes on (its floor when nothing is walked). */
  floor: number;
  /** Estimated calls. */
  calls: number;
}

/** The ids whose stored-from counts `planVanished` asks for. */
export function vanishedCandidates(vanished: readonly VanishedInvoice[], floor: number): number[] {
  const ids = new Set([floor]);
  const step = Math.max(1, Math.floor(vanished.length / 50));
  for (let j = 1; j <= vanished.length; j += step) ids.add(vanished[j - 1]!.id);
  if (vanished.length > 0) ids.add(vanished.at(-1)!.id);
  return [...ids];
}

/**
 * Where to look for the invoices that left the open lists below the sweep's floor: the sweep
 * goes on down past the newest of them (the more of them sit close below it, the better
 * that pays), and the rest are looked up by client. `vanished` is sorted by id, descending,
 * all below `floor`; `storedFrom(id)` is known for every id {@link vanishedCandidates} lists.
 */
export function planVanished(input: {
  vanished: readonly VanishedInvoice[];
  floor: number;
  pages: PageSizes;
  storedFrom: (minId: number) => number;
}): VanishedPlan {
  const { vanished, floor, pages, storedFrom } = input;
  const clientCalls = (rows: readonly VanishedInvoice[]) => 2 * new Set(rows.map((r) => r.clientId)).size;
  // Going on from where the sweep stopped: its pages are already at the largest size.
  const walkDown = (to: number) =>
    walkCalls(Math.max(0, storedFrom(to) - storedFrom(floor)), { start: pages.max, max: pages.max });
  let cut = 0; // vanished[0..cut) are found by the walk on down
  let best = clientCalls(vanished);
  const step = Math.max(1, Math.floor(vanished.length / 50));
  const cuts = new Set<number>();
  for (let j = 1; j <= vanished.length; j += step) cuts.add(j);
  if (vanished.length > 0) cuts.add(vanished.length);
  for (const j of cuts) {
    const cost = walkDown(vanished[j - 1]!.id) + clientCalls(vanished.slice(j));
    if (cost < best) {
      best = cost;
      cut = j;
    }
  }
  const byWalk = vanished.slice(0, cut);
  return {
    byWalk,
    byClient: vanished.slice(cut),
    floor: byWalk.length ? byWalk.at(-1)!.id : floor,
    calls: best,
  };
}

/**
 * Whether to stop walking open statuses below the floor and sweep on down to the oldest id
 * instead, decided after each status's first page: WHMCS's count of that status there (its
 * `totalresults` less what the sweep read of it) against the stored ones says how many left it
 * since the last run, which the plan could only guess (the first run after a full sync guesses
 * none: {@link DEFAULT_VANISHED_SHARE}). Going on costs the walks' calls left and the look-ups of
 * the invoices expected to have left (two calls per client, or the sweep on down, the cheaper);
 * sweeping on down reads every invoice below the floor, and leaves neither.
 */
export function sweepOnInstead(input: {
  /** Calls the walks per status below the floor still have to make, the current one's included. */
  walkCallsLeft: number;
  /** Stored open invoices below the floor, and how many clients they belong to. */
  openBelow: number;
  clientsBelow: number;
  /** Of `probed` stored open invoices below the floor (the statuses counted so far), `left` left their list. */
  probed: number;
  left: number;
  /** Stored invoices below the floor: what sweeping on down reads. */
  storedBelow: number;
  pages: PageSizes;
}): boolean {
  const sweepOn = walkCalls(input.storedBelow, { start: input.pages.max, max: input.pages.max });
  const expected = input.probed === 0 ? 0 : (input.openBelow * input.left) / input.probed;
  const lookup = Math.min(2 * Math.min(expected, input.clientsBelow), sweepOn);
  return sweepOn < input.walkCallsLeft + lookup;
}
