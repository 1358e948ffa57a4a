import { addMonths } from '../dates.ts';
import type { SeenInvoice } from './snapshot.ts';

/*
 * Recurring series (design notes §4.4 B): WHMCS puts due dates on the service cycle (invoices
 * are generated a lead time before), so an invoice whose client had another one due exactly c
 * months earlier (c a WHMCS cycle, +-3 days) continues that one's series. Chains are linked
 * greedily in due-date order, shortest cycle first, each invoice continuing at most one.
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
}

/**
 * Links every invoice of one source and currency into series. Returns one link per invoice, by index.
 *
 * @example detectSeries(snapshot)[i].prev // -1 when invoice i starts a series
 */
export function detectSeries(invoices: readonly SeenInvoice[]): Link[] {
  const n = invoices.length;
  const links: Link[] = new Array(n);
  for (let i = 0; i < n; i++) links[i] = { prev: -1, next: -1, cycle: 0, tenure: 1 };
  // Invoices ordered by client, then due date: each client's members are one contiguous run.
  const order = Array.from({ length: n }, (_, i) => i);
  // One source and currency per call (the forecast's groups): the client alone is the key.
  const clientOf = Int32Array.from(invoices, (s) => s.client);
  const dues = Int32Array.from(invoices, (s) => s.due);
  order.sort(
    (a, b) =>
      (clientOf[a] as number) - (clientOf[b] as number) || (dues[a] as number) - (dues[b] as number) || a - b,
  );
  const dueAt = (k: number) => dues[order[k] as number] as number;
  let runStart = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0 && clientOf[order[k] as number] !== clientOf[order[k - 1] as number]) runStart = k;
    const i = order[k] as number;
    const due = dueAt(k);
    for (const c of CYCLES) {
      const target = addMonths(due, -c);
      // The nearest free member within the tolerance, earlier in this client's run.
      let lo = runStart;
      let hi = k;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (dueAt(mid) < target - TOLERANCE_DAYS) lo = mid + 1;
        else hi = mid;
      }
      let best = -1;
      let bestDistance = TOLERANCE_DAYS + 1;
      for (let q = lo; q < k && dueAt(q) <= target + TOLERANCE_DAYS; q++) {
        const j = order[q] as number;
        const distance = Math.abs(dueAt(q) - target);
        if ((links[j] as Link).next === -1 && distance < bestDistance) {
          best = j;
          bestDistance = distance;
        }
      }
      if (best < 0) continue;
      const link = links[i] as Link;
      const before = links[best] as Link;
      link.prev = best;
      link.cycle = c;
      link.tenure = before.tenure + 1;
      before.next = i;
      break;
    }
  }
  return links;
}

/** Tenure buckets for renewal rates: 1, 2, 3, 4-6, 7+ members so far. */
export const tenureBucket = (tenure: number): number => (tenure <= 3 ? tenure - 1 : tenure <= 6 ? 3 : 4);
export const TENURE_BUCKETS = 5;
