import { type WalkEvidence, type WalkIncompleteReason, type WalkSeen, WhmcsWalkError } from './errors.ts';
import type { WireInvoice } from './schemas.ts';

/** One page as the paginator sees it. */
export interface Page {
  rows: WireInvoice[];
  totalResults: number;
}

export interface PageProgress {
  /** Pages fetched so far, including re-reads after a shift. */
  pages: number;
  /** Requests sent so far, look-ahead included. */
  calls: number;
  /** Distinct invoices yielded so far. */
  rows: number;
  /** WHMCS's `totalresults` on the last page (counts orphaned invoices: an estimate). */
  totalResults: number;
  /** Re-reads caused by invoices deleted or inserted while walking, or by inconsistent pages. */
  recoveries: number;
}

/** Where a walk stands: the last id yielded and its offset in the list. Resume from it. */
export interface WalkAnchor {
  id: number;
  position: number;
  /** Distinct ids the walk had yielded up to and including this one (for the count check). */
  seen?: number;
}

/** What the caller already knows about the list, to judge whether a walk saw all of it. */
export interface WalkExpectation {
  /**
   * The highest id ever stored from this list (0 if none). An ascending walk that ends below it
   * is incomplete, unless WHMCS's own newest id is the walk's highest (the top was deleted).
   */
  maxId?: number;
  /**
   * How far `totalresults` may exceed the distinct ids seen: WHMCS counts orphaned invoices,
   * which never appear in pages. Default Infinity (not checked); pass the previous complete
   * walk's `evidence.shortfall`.
   */
  orphanAllowance?: number;
}

/** One page of a walk: the rows it adds, and the anchor to resume after them. */
export interface WalkPage {
  rows: WireInvoice[];
  anchor: WalkAnchor | undefined;
  progress: PageProgress;
  /** Only on the final page, and only when the walk can show it saw the whole list. */
  evidence?: WalkEvidence;
}

/**
 * Chooses each page's size as a walk goes (e.g. from WHMCS's latency). The walk tells it
 * which sizes WHMCS answered in full, and the cap it found when WHMCS answered fewer rows
 * than asked while the list went on (a server that caps or ignores `limitnum`).
 */
export interface PageSizer {
  /** Rows to ask for in the next page. */
  size(): number;
  /** WHMCS answered at most `limit` rows to a request for more, with more rows after them. */
  capped(limit: number): void;
}

export interface WalkOptions {
  /** Rows per page (one more is asked for, to overlap the previous page); the sizer's start. */
  pageSize: number;
  /** Varies the page size as the walk goes; without it every page asks for `pageSize`. */
  sizer?: PageSizer;
  /** Pages in flight at once. */
  concurrency: number;
  /** `asc` walks from the oldest id; `desc` from the newest. */
  order: 'asc' | 'desc';
  /** With `desc`: stop at the first id at or below this one (a high-water mark). */
  stopAtOrBelowId?: number;
  /** With `asc`: stop at the first id at or above this one (the rest is read another way). */
  stopAtOrAboveId?: number;
  /** Resume after a checkpoint instead of starting from the first row. */
  resumeFrom?: WalkAnchor;
  /** What is known of the list; see {@link WalkExpectation}. */
  expect?: WalkExpectation;
  /** Hard ceiling on requests; by default derived from `totalresults` and the page size. */
  maxCalls?: number;
  /** WHMCS's newest id in the list (one call), asked only when an ascending walk ends below `expect.maxId`. */
  newestId?: (signal?: AbortSignal) => Promise<number | undefined>;
  /**
   * Asked of each page before the walk asks for the next one: true makes it the last page
   * (yielded without evidence), so a caller that decides from a page where to stop costs no
   * request fetched ahead and thrown away.
   */
  lastPage?: (page: { rows: WireInvoice[]; progress: PageProgress }) => boolean;
  signal?: AbortSignal;
}

interface Request {
  start: number;
  limit: number;
  /** `advance` continues after the anchor; `search` looks for it after the list moved. */
  kind: 'first' | 'advance' | 'search';
  page: Promise<Page>;
}

/**
 * Resolves in a later task of the event loop, after pending I/O (a request being written)
 * has had its turn. A message through a fresh channel is such a task in every runtime that has
 * one, and costs microseconds where `setTimeout(0)` costs a millisecond.
 */
function nextTask(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/** Pages without an id beyond the anchor, in a row, that end a walk. */
const NO_PROGRESS_LIMIT = 2;

const idOf = (row: WireInvoice) => (typeof row.id === 'number' ? row.id : Number(row.id));

/**
 * The default ceiling on requests for a list of `total` rows: room for every page four times
 * over (searches after deletions) and for two discarded look-aheads on each, plus a margin.
 */
export function defaultMaxCalls(total: number, pageSize: number, concurrency: number): number {
  return (Math.ceil(total / pageSize) + 1) * (4 + 2 * concurrency) + 32;
}

/**
 * Walks every row of a list ordered by id, exactly once, while rows are inserted and
 * deleted under it, and says at the end whether it can prove it saw them all.
 *
 * Offsets are positions, and a deletion before the current position shifts every later
 * row back: a plain offset walk would skip. So every page after the first starts one row
 * early, on the last row already yielded (the anchor), plus a margin as wide as the last
 * shift seen. A page that starts past the anchor means rows moved back: look for the anchor
 * stepping back 1, 2, 4... rows, never further than needed. Rows at or before the anchor are
 * never yielded twice, because ids only grow in the walking direction.
 *
 * Ascending, rows before the anchor can only go away, so a page that shows the anchor later
 * than it was is not WHMCS's list (a cached answer, `limitstart` ignored): it is asked again,
 * and two pages in a row without an id beyond the anchor end the walk with `incomplete_walk`.
 * So do more requests than `totalresults` can justify. The walk ends on a short page, never
 * on `totalresults` (which counts orphans); that end carries
 * {@link WalkEvidence} only if the highest id and the count agree with what the caller knows.
 *
 * With `concurrency` > 1, the next pages are fetched ahead at the offsets they would have
 * if nothing moved; each is used only if it is the request the walk would make next.
 */
export async function* walkById(
  fetchPage: (start: number, limit: number, signal?: AbortSignal) => Promise<Page>,
  options: WalkOptions,
): AsyncGenerator<WalkPage> {
  const { order } = options;
  // The largest limit WHMCS answered in full, and the most rows it answered to a larger one.
  let proven = 0;
  let cap = Number.POSITIVE_INFINITY;
  let capToConfirm = false;
  let smallest = options.pageSize;
  const size = () => {
    const rows = Math.max(1, Math.min(options.sizer?.size() ?? options.pageSize, cap - 2));
    smallest = Math.min(smallest, rows);
    return rows;
  };
  const concurrency = Math.max(1, Math.min(options.concurrency, 16));
  const after = order === 'asc' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  const progress: PageProgress = { pages: 0, calls: 0, rows: 0, totalResults: 0, recoveries: 0 };
  const resume = options.resumeFrom;
  const stopAt = options.stopAtOrBelowId;
  const stopAbove = options.stopAtOrAboveId;

  let anchor: number | undefined = resume?.id; // the last id yielded
  // Offset of the anchor when last seen. Ascending, it can only have moved back since.
  let position = resume?.position ?? 0;
  const seenBefore = resume ? (resume.seen ?? resume.position + 1) : 0;
  let highest = resume && order === 'asc' ? resume.id : undefined;
  let margin = 0; // extra overlap, as wide as the last shift seen
  let stepBack = 0; // the last step of an ongoing search for the anchor
  let noProgress = 0;
  let maxTotal = 0;
  let succeeded = false;
  let ahead: Request[] = [];

  const seen = (): WalkSeen => ({
    calls: progress.calls,
    pages: progress.pages,
    distinctIds: seenBefore + progress.rows,
    ...(highest === undefined ? {} : { highestId: highest }),
    totalResults: progress.totalResults,
    shortfall: Math.max(0, progress.totalResults - seenBefore - progress.rows),
    expectedMaxId: options.expect?.maxId ?? 0,
  });
  const fail = (reason: WalkIncompleteReason, detail: string, extra: Partial<WalkSeen> = {}) =>
    new WhmcsWalkError(reason, detail, { ...seen(), ...extra });

  const ceiling = () =>
    options.maxCalls ??
    (progress.pages === 0 ? Number.POSITIVE_INFINITY : defaultMaxCalls(maxTotal, smallest, concurrency));

  const request = (start: number, limit: number, kind: Request['kind']): Request => {
    if (progress.calls >= ceiling()) {
      throw fail(
        'call_ceiling',
        `it needed more than ${ceiling()} calls for a list WHMCS says holds ${maxTotal} invoices`,
      );
    }
    progress.calls++;
    const page = fetchPage(start, limit, options.signal).then((p) => {
      progress.pages++;
      progress.totalResults = p.totalResults;
      maxTotal = Math.max(maxTotal, p.totalResults);
      return p;
    });
    page.catch(() => {}); // awaited in order below; never an unhandled rejection
    return { start, limit, kind, page };
  };

  const advance = (from: number) => {
    const start = Math.max(0, from - Math.min(margin, size()));
    const overlap = 1 + (from - start);
    return { start, limit: Math.max(1, Math.min(size(), cap - overlap)) + overlap, kind: 'advance' as const };
  };

  // The request the walk makes next.
  let want: Omit<Request, 'page'> =
    anchor === undefined ? { start: 0, limit: size(), kind: 'first' } : advance(position);

  const plan = () => {
    // A page fetched ahead is as good as the one the walk would ask for if it starts no later
    // than the anchor: what it holds is checked like any page. A search discards it.
    const head = ahead[0];
    if (head && (want.kind === 'search' || head.start > position || head.start < want.start - size())) {
      ahead = [];
    }
    if (ahead.length === 0) ahead.push(request(want.start, want.limit, want.kind));
    // Page k of the look-ahead starts on the last row page k-1 would hold. Until one page
    // has come back, only one is in flight: a refused credential must cost one call, not
    // `concurrency` failed logins towards WHMCS's ban. A search looks one page at a time.
    if (!succeeded || want.kind === 'search') return;
    while (ahead.length < concurrency) {
      const last = ahead.at(-1)!;
      const next = advance(last.start + last.limit - 1);
      ahead.push(request(next.start, next.limit, 'advance'));
    }
  };

  const search = (from: number) => {
    // The anchor is somewhere before `from`: step back twice as far as last time.
    progress.recoveries++;
    stepBack = Math.max(1, stepBack * 2, margin);
    want = { start: Math.max(0, from - stepBack), limit: size() + 1, kind: 'search' };
  };

  for (;;) {
    plan();
    const next = ahead.shift()!;
    const { rows, totalResults } = await next.page;
    succeeded = true;
    if (rows.length >= next.limit) proven = Math.max(proven, next.limit);
    const ids = rows.map(idOf);
    const short = rows.length < next.limit;

    if (ids.some((id, i) => !Number.isInteger(id) || (i > 0 && !after(id, ids[i - 1]!)))) {
      // Not a list ordered by id: WHMCS ignored `orderby`, or a proxy mixed answers.
      if (++noProgress >= NO_PROGRESS_LIMIT) {
        throw fail('no_progress', `WHMCS answered ${NO_PROGRESS_LIMIT} pages in a row out of id order`);
      }
      progress.recoveries++;
      ahead = [];
      continue; // ask again
    }

    let from = 0; // index of the first row beyond the anchor
    if (anchor !== undefined) {
      const a = anchor;
      const firstFresh = ids.findIndex((id) => after(id, a));
      if (ids.length === 0 || firstFresh === 0) {
        if (next.start > 0) {
          // The page starts past the anchor, or the list ends before it: rows moved back.
          search(next.start);
          continue;
        }
        // Everything up to the anchor is gone: the whole page is new.
      } else {
        const lastOld = firstFresh === -1 ? ids.length - 1 : firstFresh - 1;
        // Ascending, rows before the anchor only ever go away: a page that shows them later
        // than they were is not the list as it is (a cached page, `limitstart` ignored).
        if (order === 'asc' && next.start + lastOld > position) {
          if (++noProgress >= NO_PROGRESS_LIMIT) {
            throw fail(
              'no_progress',
              `WHMCS answered ${NO_PROGRESS_LIMIT} pages in a row with invoices it had already sent, at offsets where they cannot be (a cached answer, or limitstart ignored)`,
            );
          }
          progress.recoveries++;
          ahead = [];
          want = { start: next.start, limit: next.limit, kind: next.kind };
          continue; // ask again
        }
        if (firstFresh === -1 && !short) {
          // A full page of old rows: after a long step back (go on from its last row), or,
          // descending, new invoices above the anchor pushed it on (the call ceiling bounds
          // that). Ascending, anything else is a page that brought nothing.
          if (next.kind !== 'search' && order === 'asc' && ++noProgress >= NO_PROGRESS_LIMIT) {
            throw fail(
              'no_progress',
              `${NO_PROGRESS_LIMIT} pages in a row brought no invoice beyond #${anchor}`,
            );
          }
          want = { start: next.start + lastOld, limit: size() + 1, kind: next.kind };
          continue;
        }
        from = firstFresh === -1 ? ids.length : firstFresh;
        // Widen the overlap to twice how far the rows after the anchor moved back since the
        // last page, and narrow it one row a page while nothing moves: a few rows read twice
        // cost far less than a search.
        const shift = position + 1 - (next.start + from);
        margin = shift > 0 ? Math.min(size(), Math.max(margin, 2 * shift)) : Math.max(0, margin - 1);
      }
    }

    const fresh: WireInvoice[] = [];
    let stopped = false;
    let lastIndex = from - 1;
    for (let i = from; i < rows.length; i++) {
      const id = ids[i]!;
      if ((stopAt !== undefined && id <= stopAt) || (stopAbove !== undefined && id >= stopAbove)) {
        stopped = true;
        break;
      }
      lastIndex = i;
      anchor = id;
      if (highest === undefined || id > highest) highest = id;
      fresh.push(rows[i]!);
    }
    if (lastIndex >= 0) position = next.start + lastIndex;
    progress.rows += fresh.length;
    noProgress = 0;
    stepBack = 0;
    // A page that is not full ends the list. (Reading on after one with new rows would chase
    // invoices created during the walk for as long as they come.) But a short answer to a
    // larger page than WHMCS ever answered in full, while it counts more rows than the walk
    // reached, may be a cap on `limitnum` (a proxy, a plugin, a PHP limit): the walk asks
    // once more from the anchor, with pages no larger than that answer. If rows follow, it
    // was a cap and the walk goes on; if not, it was the end (and WHMCS's count held orphans).
    const capSuspected =
      short && !stopped && fresh.length > 0 && next.limit > proven && next.start + rows.length < totalResults;
    if (capToConfirm && fresh.length > 0) options.sizer?.capped(cap);
    capToConfirm = capSuspected;
    if (capSuspected) cap = Math.max(2, rows.length);
    const listEnded = short && !capSuspected;
    // The caller's own stop ends the walk like a stop id: the rest of the list is not read.
    const endedByCaller =
      !stopped && !listEnded && options.lastPage?.({ rows: fresh, progress: { ...progress } }) === true;
    const end = stopped || listEnded || endedByCaller;
    let evidence: WalkEvidence | undefined;
    let failure: WhmcsWalkError | undefined;
    if (end) {
      try {
        if (!endedByCaller) evidence = await judge(stopped);
      } catch (err) {
        if (!(err instanceof WhmcsWalkError)) throw err;
        failure = err;
      }
    } else {
      want = advance(position);
      // Refill the look-ahead before the caller gets the page, and let the requests leave:
      // the caller's work on this page (e.g. a synchronous store write) then overlaps
      // `concurrency` calls instead of one.
      plan();
      await nextTask();
    }
    if (fresh.length > 0 || !failure) {
      yield {
        rows: fresh,
        anchor: anchor === undefined ? undefined : { id: anchor, position, seen: seenBefore + progress.rows },
        progress: { ...progress },
        ...(evidence ? { evidence } : {}),
      };
    }
    if (failure) throw failure;
    if (end) return;
  }

  /** The end was reached: is there positive evidence that the walk saw the whole list? */
  async function judge(stopped: boolean): Promise<WalkEvidence> {
    if (stopped) return { complete: true, endedBy: 'high-water-mark', ...seen() };
    const expectedMax = options.expect?.maxId ?? 0;
    let newestId: number | undefined;
    if (order === 'asc' && expectedMax > (highest ?? 0)) {
      // Invoices were stored up to expectedMax: either the top of the list was deleted in
      // WHMCS, or the walk ended early. Only WHMCS's own newest id tells them apart.
      newestId = options.newestId ? await options.newestId(options.signal) : undefined;
      if (newestId === undefined || newestId !== highest) {
        throw fail(
          'below_stored_max',
          `it ended at #${highest ?? '(none)'} but invoices up to #${expectedMax} were stored, and WHMCS's newest is ${newestId === undefined ? 'unknown' : `#${newestId}`}`,
          newestId === undefined ? {} : { newestId },
        );
      }
    }
    const s = seen();
    const allowance = options.expect?.orphanAllowance ?? Number.POSITIVE_INFINITY;
    if (s.shortfall > allowance) {
      throw fail(
        'count_shortfall',
        `it saw ${s.distinctIds} distinct invoices but WHMCS counts ${s.totalResults}: ${s.shortfall} missing, more than the ${allowance} orphaned invoices allowed`,
      );
    }
    return { complete: true, endedBy: 'end', ...s, ...(newestId === undefined ? {} : { newestId }) };
  }
}
