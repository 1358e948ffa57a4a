import { clientGroups } from '../client-groups.ts';
import { addMonths, dayOfMonth } from '../dates.ts';
import { drain, STEP_SLICE, type Steps } from '../steps.ts';
import type { SeenColumns } from './seen-columns.ts';

/*
 * Recurring series (design notes §4.4 B): WHMCS puts due dates on the service cycle (invoices
 * are generated a lead time before), so an invoice whose client had another one due exactly c
 * months earlier (c a WHMCS cycle, +-3 days) continues that one's series. Chains are linked
 * greedily in due-date order, each renewal continuing at most one member:
 *
 * - a renewal continues the member of about its own amount (within 25 %) first, whatever the
 *   cycle: a client's monthly and annual services fall due the same day every year, and the
 *   annual one must not take over the monthly chain;
 * - else a first invoice: an order of several services on different cycles is one invoice (WHMCS
 *   bills what falls due together on one), and each service's first renewal continues it, as
 *   long as the amounts linked to it so far leave room for this one;
 * - else, the shortest cycle's member (a plan change moved the amount).
 * The last two only on the member's own day a cycle later (or at a month's end, where the date
 * clamps): an add-funds, upgrade or mass-payment invoice falls on any day, and within +-3 days of
 * a monthly client's last invoice one time in four. Over the twelve training worlds that linked
 * 28 % of add-funds amounts, 25 % of mass payments and 18 % of upgrades as renewals (9, 14, 4 %
 * on the day), moving new business into renewal chains.
 */

export const CYCLES = [1, 3, 6, 12, 24, 36] as const;
const TOLERANCE_DAYS = 3;

/** An invoice's place in its series. */
export interface Link {
  /** Index (in the snapshot) of the member before, or -1 for the first. */
  prev: number;
  /** Index of the member after, or -1 while none is issued. */
  next: number;
  /** Months to the member before (0 for the first). */
  cycle: number;
  /** 1 for the first member of a series. */
  tenure: number;
  /** The next successor of the same first invoice (an order of several services), or -1. */
  sibling: number;
}

/**
 * The links of every invoice, column by column (a million invoices, no million objects).
 * `forEach` hands out one reused view: read it inside the callback, never keep it.
 */
export class SeriesLinks {
  readonly prev: Int32Array;
  readonly next: Int32Array;
  readonly cycle: Uint8Array;
  readonly tenure: Int32Array;
  /** For a successor of a first invoice: the next one of the same first invoice, or -1. */
  readonly sibling: Int32Array;

  constructor(readonly length: number) {
    this.prev = new Int32Array(length).fill(-1);
    this.next = new Int32Array(length).fill(-1);
    this.cycle = new Uint8Array(length);
    this.tenure = new Int32Array(length).fill(1);
    this.sibling = new Int32Array(length).fill(-1);
  }

  forEach(fn: (link: Readonly<Link>, index: number) => void): void {
    drain(this.forEachStep(fn));
  }

  /** {@link forEach}, yielding every {@link STEP_SLICE} links. */
  *forEachStep(fn: (link: Readonly<Link>, index: number) => void): Steps<void> {
    const view: Link = { prev: -1, next: -1, cycle: 0, tenure: 1, sibling: -1 };
    for (let i = 0; i < this.length; i++) {
      if (i > 0 && i % STEP_SLICE === 0) yield;
      view.prev = this.prev[i] as number;
      view.next = this.next[i] as number;
      view.cycle = this.cycle[i] as number;
      view.tenure = this.tenure[i] as number;
      view.sibling = this.sibling[i] as number;
      fn(view, i);
    }
  }

  /** Calls `fn` with each successor of member `i`: one for a renewal, any number for a first invoice. */
  successors(i: number, fn: (successor: number) => void): void {
    for (let s = this.next[i] as number; s >= 0; s = this.sibling[s] as number) fn(s);
  }

  /** Whether first invoice `i` has a successor at cycle `c`. */
  renewedAt(i: number, c: number): boolean {
    for (let s = this.next[i] as number; s >= 0; s = this.sibling[s] as number)
      if (this.cycle[s] === c) return true;
    return false;
  }

  /** Whether first invoice `i` has a successor at a cycle shorter than `c`. */
  renewedBefore(i: number, c: number): boolean {
    for (let s = this.next[i] as number; s >= 0; s = this.sibling[s] as number)
      if ((this.cycle[s] as number) < c) return true;
    return false;
  }
}

/** Within this ratio of amounts, a renewal is taken to continue the member it follows. */
const SAME_AMOUNT = 1.25;
/** A first invoice takes another successor while the amounts linked leave this share of it. */
const ROOM = 0.9;

/**
 * Links every invoice of one source and currency into series: one link per invoice, by index.
 *
 * @example detectSeries(snapshot).prev[i] // -1 when invoice i starts a series
 */
export function detectSeries(invoices: SeenColumns): SeriesLinks {
  return drain(detectSeriesSteps(invoices));
}

/** {@link detectSeries}, yielding after its sort and every {@link STEP_SLICE} invoices linked. */
export function* detectSeriesSteps(invoices: SeenColumns): Steps<SeriesLinks> {
  const n = invoices.length;
  const links = new SeriesLinks(n);
  // Invoices ordered by client, then due date: each client's members are one contiguous run.
  // Two stable counting sorts (by due day, then by client in first-seen order) instead of a
  // comparison sort: the order within a client is (due, index), as a sort on those keys would
  // give, and the order of the clients' runs does not matter.
  const order = yield* orderByClientThenDue(invoices);
  if (n > STEP_SLICE) yield;
  const clientOf = invoices.client;
  // Due days in client-then-due order: the searches below read one array, not two.
  const sortedDue = new Int32Array(n);
  for (let k = 0; k < n; k++) sortedDue[k] = invoices.due[order[k] as number] as number;
  const dueAt = (k: number) => sortedDue[k] as number;
  // addMonths(due, -c) for every due day and cycle, computed once per day instead of per invoice.
  let minDue = 0;
  let maxDue = -1;
  if (n > 0) {
    minDue = Number.POSITIVE_INFINITY;
    maxDue = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const d = invoices.due[i] as number;
      if (d < minDue) minDue = d;
      if (d > maxDue) maxDue = d;
    }
  }
  const span = maxDue - minDue + 1;
  const back = new Int32Array(span * CYCLES.length);
  for (let d = 0; d < span; d++)
    for (let c = 0; c < CYCLES.length; c++)
      back[d * CYCLES.length + c] = addMonths(minDue + d, -(CYCLES[c] as number));
  const gross = invoices.gross;
  // What a first invoice's successors have not yet accounted for of its amount.
  const room = Float64Array.from(gross);
  let runStart = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0 && k % STEP_SLICE === 0) yield;
    if (k > 0 && clientOf[order[k] as number] !== clientOf[order[k - 1] as number]) runStart = k;
    const i = order[k] as number;
    const due = dueAt(k);
    // Nothing due a month (less the tolerance) or more before: no cycle can match.
    if (k === runStart || dueAt(runStart) > due - 28 + TOLERANCE_DAYS) continue;
    const amount = gross[i] as number;
    const atMonthEnd = dayOfMonth(due) >= 28;
    let same = -1; // the member of about this amount, nearest in amount
    let sameCycle = 0;
    let sameDistance = Number.POSITIVE_INFINITY;
    let head = -1; // a first invoice with room, shortest cycle first
    let headCycle = 0;
    let any = -1; // a free member, shortest cycle first
    let anyCycle = 0;
    for (let ci = 0; ci < CYCLES.length; ci++) {
      const c = CYCLES[ci] as number;
      const target = back[(due - minDue) * CYCLES.length + ci] as number;
      // The members within the tolerance, earlier in this client's run.
      let lo = runStart;
      let hi = k;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (dueAt(mid) < target - TOLERANCE_DAYS) lo = mid + 1;
        else hi = mid;
      }
      let free = -1;
      let freeDays = TOLERANCE_DAYS + 1;
      for (let q = lo; q < k && dueAt(q) <= target + TOLERANCE_DAYS; q++) {
        const j = order[q] as number;
        const days = Math.abs(dueAt(q) - target);
        const first = (links.prev[j] as number) < 0;
        // A member of another amount continues this series only on the day (or at a month's
        // end, where the cycle's date clamps): WHMCS keeps a service's due day, while an
        // add-funds, upgrade or mass-payment invoice falls on any day.
        const onTheDay = days === 0 || atMonthEnd || dayOfMonth(dueAt(q)) >= 28;
        if (links.next[j] === -1) {
          if (days < freeDays && onTheDay) {
            free = j;
            freeDays = days;
          }
          const before = gross[j] as number;
          if (!first && amount > 0 && before > 0) {
            const distance = Math.abs(Math.log(amount / before));
            if (distance <= Math.log(SAME_AMOUNT) && distance < sameDistance) {
              same = j;
              sameCycle = c;
              sameDistance = distance;
            }
          }
        }
        if (
          onTheDay &&
          head < 0 &&
          first &&
          (links.next[j] === -1 || (room[j] as number) >= amount * ROOM) &&
          !links.renewedAt(j, c)
        ) {
          head = j;
          headCycle = c;
        }
      }
      if (any < 0 && free >= 0) {
        any = free;
        anyCycle = c;
      }
      // The same amount at this cycle: no longer cycle can do better (the shortest wins ties).
      if (sameDistance === 0) break;
    }
    const [best, c] = same >= 0 ? [same, sameCycle] : head >= 0 ? [head, headCycle] : [any, anyCycle];
    if (best < 0) continue;
    links.prev[i] = best;
    links.cycle[i] = c;
    links.tenure[i] = (links.tenure[best] as number) + 1;
    if (links.next[best] === -1) links.next[best] = i;
    else {
      // Another service of the same order: the last in its list of successors.
      let s = links.next[best] as number;
      while ((links.sibling[s] as number) >= 0) s = links.sibling[s] as number;
      links.sibling[s] = i;
    }
    room[best] = (room[best] as number) - amount;
  }
  return links;
}

/** Tenure buckets for renewal rates: 1, 2, 3, 4-6, 7+ members so far. */
export const tenureBucket = (tenure: number): number => (tenure <= 3 ? tenure - 1 : tenure <= 6 ? 3 : 4);
export const TENURE_BUCKETS = 5;

/** Indices ordered by client (in first-seen order), then due day, then index; yields between its passes. */
function* orderByClientThenDue(invoices: SeenColumns): Steps<Uint32Array> {
  const n = invoices.length;
  const due = invoices.due;
  let minDue = Number.POSITIVE_INFINITY;
  let maxDue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const d = due[i] as number;
    if (d < minDue) minDue = d;
    if (d > maxDue) maxDue = d;
  }
  const byDue = new Uint32Array(n);
  if (n === 0) return byDue;
  const pass = n > STEP_SLICE;
  const dueCount = new Uint32Array(maxDue - minDue + 2);
  for (let i = 0; i < n; i++) {
    const slot = (due[i] as number) - minDue + 1;
    dueCount[slot] = (dueCount[slot] as number) + 1;
  }
  if (pass) yield;
  for (let k = 1; k < dueCount.length; k++)
    dueCount[k] = (dueCount[k] as number) + (dueCount[k - 1] as number);
  for (let i = 0; i < n; i++) {
    const slot = (due[i] as number) - minDue;
    byDue[dueCount[slot] as number] = i;
    dueCount[slot] = (dueCount[slot] as number) + 1;
  }
  if (pass) yield;
  return (yield* clientGroups(invoices.client, n, byDue)).rows;
}
