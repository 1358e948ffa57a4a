import type { WireInvoice } from './schemas.ts';

/** One page as the paginator sees it. */
export interface Page {
  rows: WireInvoice[];
  totalResults: number;
}

export interface PageProgress {
  /** Pages fetched so far, including re-reads after a shift. */
  pages: number;
  /** Distinct invoices yielded so far. */
  rows: number;
  /** WHMCS's `totalresults` on the last page (counts orphaned invoices: an estimate). */
  totalResults: number;
  /** Re-reads caused by invoices deleted or inserted while walking. */
  recoveries: number;
}

/** Where a walk stands: the last id yielded and its offset in the list. Resume from it. */
export interface WalkAnchor {
  id: number;
  position: number;
}

/** One page of a walk: the rows it adds, and the anchor to resume after them. */
export interface WalkPage {
  rows: WireInvoice[];
  anchor: WalkAnchor | undefined;
  progress: PageProgress;
}

export interface WalkOptions {
  /** Rows per page (one more is asked for, to overlap the previous page). */
  pageSize: number;
  /** Pages in flight at once. */
  concurrency: number;
  /** `asc` walks from the oldest id; `desc` from the newest. */
  order: 'asc' | 'desc';
  /** With `desc`: stop at the first id at or below this one (a high-water mark). */
  stopAtOrBelowId?: number;
  /** Resume after a checkpoint instead of starting from the first row. */
  resumeFrom?: WalkAnchor;
  signal?: AbortSignal;
}

const idOf = (row: WireInvoice) => (typeof row.id === 'number' ? row.id : Number(row.id));

/**
 * Walks every row of a list ordered by id, exactly once, while rows are inserted and
 * deleted under it.
 *
 * Offsets are positions, and a deletion before the current position shifts every later
 * row one place back: a plain offset walk would skip one. So every page after the first
 * starts one row early, on the last row already yielded (the anchor). If the page starts
 * with the anchor, nothing moved. If it starts past it, rows moved back: step back until
 * the anchor (or an earlier id) is in sight and go on from there. Rows at or before the
 * anchor are never yielded twice, because ids only grow in the walking direction.
 * Stops on a page that holds nothing new, never on `totalresults` (which counts orphans).
 *
 * With `concurrency` > 1, the next pages are fetched ahead at the offsets they would have
 * if nothing moved; each is checked against its predecessor's last row before use, and the
 * look-ahead is discarded and re-planned after any shift.
 */
export async function* walkById(
  fetchPage: (start: number, limit: number, signal?: AbortSignal) => Promise<Page>,
  options: WalkOptions,
): AsyncGenerator<WalkPage> {
  const { pageSize, order } = options;
  const concurrency = Math.max(1, Math.min(options.concurrency, 16));
  const after = order === 'asc' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  const progress: PageProgress = { pages: 0, rows: 0, totalResults: 0, recoveries: 0 };

  let anchor: number | undefined = options.resumeFrom?.id; // the last id yielded
  let position = options.resumeFrom?.position ?? 0; // offset of the anchor in the list
  let ahead: Array<{ start: number; limit: number; page: Promise<Page> }> = [];

  const request = (start: number, first = false): { start: number; limit: number; page: Promise<Page> } => {
    // The first page has no anchor to overlap; every later one asks for one row more.
    const limit = first ? pageSize : pageSize + 1;
    const page = fetchPage(start, limit, options.signal).then((p) => {
      progress.pages++;
      progress.totalResults = p.totalResults;
      return p;
    });
    page.catch(() => {}); // awaited in order below; never an unhandled rejection
    return { start, limit, page };
  };

  let succeeded = false;
  const plan = () => {
    // Page k of the look-ahead starts on the last row page k-1 would hold. Until one page
    // has come back, only one is in flight: a refused credential must cost one call, not
    // `concurrency` failed logins towards WHMCS's ban.
    while (ahead.length < (succeeded ? concurrency : 1)) {
      const last = ahead.at(-1);
      const first = !last && anchor === undefined;
      ahead.push(request(last ? last.start + last.limit - 1 : first ? 0 : position, first));
    }
  };

  const stopAt = options.stopAtOrBelowId;
  for (;;) {
    plan();
    const next = ahead.shift()!;
    const { rows } = await next.page;
    succeeded = true;
    const first = rows[0];
    const firstId = first ? idOf(first) : undefined;

    if (anchor !== undefined && next.start > 0 && (firstId === undefined || after(firstId, anchor))) {
      // The page starts past the anchor, or the list ends before it: rows moved back.
      // Step back a page and look again; the look-ahead is now wrong.
      progress.recoveries++;
      ahead = [];
      position = Math.max(0, next.start - pageSize);
      ahead.push(request(position));
      continue;
    }

    const fresh: WireInvoice[] = [];
    let lastIndex = -1;
    let stopped = false;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const id = idOf(row);
      if (stopAt !== undefined && id <= stopAt) {
        stopped = true;
        break;
      }
      lastIndex = i;
      if (anchor !== undefined && !after(id, anchor)) continue;
      anchor = id;
      fresh.push(row);
    }
    if (lastIndex >= 0) position = next.start + lastIndex;
    progress.rows += fresh.length;
    // Nothing new on a page that is not full: the end of the list. (A full page of old rows
    // only happens after stepping back: walk on from its last row.)
    const end = stopped || (fresh.length === 0 && rows.length < next.limit);
    if (!end) {
      // The look-ahead page must start on our new anchor; otherwise re-plan from here.
      if (ahead[0] && ahead[0].start !== position) ahead = [];
      // Refill the look-ahead before the caller gets the page, and let the requests leave:
      // the caller's work on this page (e.g. a synchronous store write) then overlaps
      // `concurrency` calls instead of one.
      plan();
      await new Promise((resolve) => setImmediate(resolve));
    }
    yield {
      rows: fresh,
      anchor: anchor === undefined ? undefined : { id: anchor, position },
      progress: { ...progress },
    };
    if (end) return;
  }
}
