/*
 * Sharing the event loop between the API's requests and long synchronous work (a sync
 * normalizing a page of invoices and writing it to SQLite), so that a reader never waits behind
 * a sync (issue 17 item 6).
 *
 * Node 20's libuv accepts at most one connection per turn of the event loop (libuv 1.45, "unix:
 * don't accept() connections in a loop"), so the length of a turn sets how fast connections get
 * in: 200 connections opened at once while turns took 100-250 ms (20 ms of sync, then every
 * request that had arrived) waited up to 36 s in the listen queue, their first request unread.
 * Hence two bounds:
 * - requests run in arrival order, at most `requestBudget` of them per turn (`requestTurn`);
 * - sliced work goes second: it yields between slices once it held the loop for `loopBudget`,
 *   and keeps yielding while requests wait or connections are coming in, until it has waited
 *   `starvedAfter` (then one more slice), so that it still progresses under a saturating load.
 */

/** Rows per slice while the API is in use: a write transaction of this many takes a millisecond or two. */
export const ROWS_PER_SLICE = 50;

/**
 * Rows per slice while the API is idle (no request or connection for `idleAfter`): the largest
 * page a sync asks for, so that an idle sync writes each page in one transaction. Each commit
 * writes every page its rows dirtied, and rows with random keys in the client and total indexes
 * dirty one index page each: a slice of 50 wrote about as many pages as one of 500, so a sync
 * that nobody read during ran 1.6x as long in slices of 50 (100,000 simulator invoices, in one
 * process: 14.2 s against 9.0 s); slices of 1000 rather than 500 inserted 1.26x as many rows a
 * second into the store's table at 100,000 invoices and 1.24x at 1,000,000 (its commits, p50
 * 12 and 22 ms, at most 52 and 87 ms). A request that comes meanwhile waits for at most one
 * such slice.
 */
export const IDLE_ROWS_PER_SLICE = 1000;

/** How long after its last request or connection the API counts as idle. */
export const idleAfter = { ms: 250 };

let lastActivity = Number.NEGATIVE_INFINITY;

/** The rows the next write slice may take: few while the API is in use, a page's worth when idle. */
export function rowsPerSlice(): number {
  const busy = waiting.length > 0 || performance.now() - lastActivity < idleAfter.ms;
  return busy ? ROWS_PER_SLICE : IDLE_ROWS_PER_SLICE;
}

/** How long sliced work may hold the event loop before pending I/O runs (tests set 0). */
export const loopBudget = { ms: 2 };

/** How long sliced work waits for requests and connections before it takes a slice anyway. */
export const starvedAfter = { ms: 50 };

/** How long requests may hold one turn of the event loop; the rest wait for the next turn. */
export const requestBudget = { ms: 4 };

/** Requests waiting for their turn, oldest first. */
const waiting: Array<() => void> = [];
/** Connections accepted so far (see `connectionAccepted`). */
let accepted = 0;
let heldSince = performance.now();

/** Lets the event loop run pending I/O (requests, timers). */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => setImmediate(resolve)).then(() => {
    heldSince = performance.now();
  });

/** The HTTP server calls this for every connection it accepts: more may be queued behind it. */
export function connectionAccepted(): void {
  accepted++;
  lastActivity = performance.now();
}

/** Between two slices: see the bounds above. */
export async function betweenSlices(): Promise<void> {
  const seen = accepted;
  if (performance.now() - heldSince < loopBudget.ms && waiting.length === 0) return;
  const since = performance.now();
  let before = seen;
  for (;;) {
    await yieldToEventLoop();
    const busy = waiting.length > 0 || accepted !== before;
    before = accepted;
    if (!busy || performance.now() - since >= starvedAfter.ms) return;
  }
}

/** `items` in consecutive slices of at most `size` (one empty slice for no items). */
export function slices<T>(items: readonly T[], size = ROWS_PER_SLICE): T[][] {
  if (items.length === 0) return [[]];
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

let windowStart: number | undefined;
let resetPending = false;

/**
 * One immediate per waiting request, run in the check phase: lets the oldest request run while
 * this turn's budget lasts (a released request runs in the microtasks right after), else waits
 * for the next turn, whose window opens afresh.
 */
function release(): void {
  const now = performance.now();
  windowStart ??= now;
  if (now - windowStart >= requestBudget.ms) {
    if (!resetPending) {
      resetPending = true;
      setImmediate(() => {
        resetPending = false;
        windowStart = undefined;
      });
    }
    setImmediate(release);
    return;
  }
  waiting.shift()?.();
  if (waiting.length === 0) windowStart = undefined;
}

/**
 * Resolves when a request may run: requests run in arrival order, at most `requestBudget` of
 * them per turn of the event loop, so that a turn stays short however many are waiting.
 * @example fetch: (req, env) => requestTurn().then(() => app.fetch(req, env))
 */
export function requestTurn(): Promise<void> {
  lastActivity = performance.now();
  return new Promise((resolve) => {
    waiting.push(resolve);
    setImmediate(release);
  });
}

/**
 * Runs a stepped computation (a generator that yields between its steps, as the forecast
 * package's `*Steps` functions do), letting other requests run between its steps: a forecast,
 * a figure or a copy of the columns over a large install takes seconds of CPU.
 */
export async function stepped<T>(steps: Generator<void, T, void>): Promise<T> {
  let step = steps.next();
  while (!step.done) {
    await betweenSlices();
    step = steps.next();
  }
  return step.value;
}
