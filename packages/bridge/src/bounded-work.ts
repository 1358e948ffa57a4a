/*
 * Long synchronous work (normalizing a page of invoices, writing it to SQLite) done in bounded
 * slices: each write slice is its own transaction, and once the work has held the event loop for
 * LOOP_BUDGET_MS the next slice waits for a turn of the loop, so an HTTP request that arrives
 * meanwhile waits for at most about that long, never for a whole page (issue 17 item 6).
 * Yielding after every slice instead starved the sync under load: 200 saturating connections
 * made a full sync of 30,000 ten times slower.
 */

/** Rows per slice: a write transaction of this many takes a few milliseconds. */
export const ROWS_PER_SLICE = 100;

/** How long sliced work may hold the event loop before pending I/O runs (tests set 0). */
export const loopBudget = { ms: 20 };

let heldSince = performance.now();

/** Lets the event loop run pending I/O (requests, timers). */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => setImmediate(resolve)).then(() => {
    heldSince = performance.now();
  });

/** Between two slices: a turn of the event loop once the work has held it for the budget. */
export async function betweenSlices(): Promise<void> {
  if (performance.now() - heldSince >= loopBudget.ms) await yieldToEventLoop();
}

/** `items` in consecutive slices of at most `size` (one empty slice for no items). */
export function slices<T>(items: readonly T[], size = ROWS_PER_SLICE): T[][] {
  if (items.length === 0) return [[]];
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
