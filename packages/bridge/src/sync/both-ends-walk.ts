import {
  type PageProgress,
  type PageSizer,
  type WalkAnchor,
  type WalkEvidence,
  type WalkExpectation,
  type WalkPage,
  type WalkSeen,
  WhmcsWalkError,
  type WireInvoice,
  walkById,
} from '@forecaster/whmcs-client';
import type { WalkKind } from '../store/record-schemas.ts';
import type { OrderedFetch } from './page-sizer.ts';

/** Which walk a page came from: up from the oldest id, down from the newest, or the new ones on top. */
export type WalkEnd = 'low' | 'high' | 'top';

/** Where a walk from both ends stands: saved with every page, and resumed from. */
export interface BothEndsState {
  /** The walk up from the oldest id: the last id it yielded and where. */
  low?: WalkAnchor;
  /** The walk down from the newest id. */
  high?: WalkAnchor;
  /** WHMCS's newest id when the walk down began: invoices created later are read at the end. */
  top?: number;
  /** Distinct invoices yielded so far by all ends (for the count check). */
  distinct: number;
  /** WHMCS ignored `order=asc` before the walk up yielded anything: a resumed walk goes down alone at once. */
  downOnly?: boolean;
}

export type { WalkKind };

export interface BothEndsPage extends WalkPage {
  end: WalkEnd;
  state: BothEndsState;
  /** The walk that ran so far (an end that fails on `order` leaves the other alone). */
  walk: WalkKind;
}

export interface BothEndsOptions {
  /** The first page's size (a sizer may grow the next ones). */
  pageSize: number;
  sizer?: PageSizer;
  /** Calls in flight at once, over both ends. */
  concurrency: number;
  resume?: BothEndsState;
  expect?: WalkExpectation;
  /**
   * The last complete walk's orphans (WHMCS counts them, never lists them). A walk down alone
   * has nothing else to prove it reached the bottom of the list (an ascending call is what
   * that WHMCS ignores), so it may miss no more than these: no delete budget on top.
   * Unknown: a walk down alone proves nothing, and deletes nothing.
   */
  orphans?: number;
  signal?: AbortSignal;
}

const idOf = (row: WireInvoice) => Number(row.id);

/**
 * Every invoice by id, exactly once, walked from both ends at once: up from the oldest id and
 * down from the newest, each the client's walk (which keeps its place while invoices are
 * added and deleted), until they meet. Then the invoices created since the walk down began
 * are read from the top. Offsets grow from each end, so each walk pays for half of the list's
 * offsets: WHMCS's cost of OFFSET grows with the square of the list, and this halves it.
 *
 * The ends have met when one has read up to an id the other already yielded: every id below
 * the walk up's last one and above the walk down's last one was seen, and ids only grow, so
 * nothing lies between. Each end has its next page in flight when they meet: those are
 * aborted (at most one call per end too many).
 *
 * A WHMCS that ignores `order` (the walk down sees ids rising) or fails the walk down leaves
 * the walk up to go on alone to the end of the list. The last page carries evidence only
 * with every check a one-ended walk makes: the ends met (or one reached the far end), the
 * count within the orphans allowed, and the stored maximum reached or shown to be deleted.
 */
export async function* walkBothEnds(
  fetch: OrderedFetch,
  options: BothEndsOptions,
): AsyncGenerator<BothEndsPage> {
  const state: BothEndsState = { distinct: 0, ...options.resume };
  const concurrency = Math.max(1, options.concurrency);
  const share = {
    low: Math.max(1, Math.ceil(concurrency / 2)),
    high: Math.max(1, Math.floor(concurrency / 2)),
  };
  const progress: PageProgress = { pages: 0, calls: 0, rows: 0, totalResults: 0, recoveries: 0 };
  // The highest id the walk up yielded, and the lowest the walk down did.
  const yielded = { low: state.low?.id ?? 0, high: state.high?.id ?? Number.POSITIVE_INFINITY };
  const slots = new Semaphore(concurrency);
  let newest: number | undefined; // WHMCS's newest id, as the first page from the top showed it
  let highestSeen = Math.max(state.low?.id ?? 0, state.top ?? 0);

  // Every call of every end: one slot of `concurrency`, counted.
  const counted: OrderedFetch = async (start, limit, order, signal) => {
    await slots.take();
    try {
      progress.calls++;
      const p = await fetch(start, limit, order, signal);
      progress.pages++;
      progress.totalResults = p.totalResults;
      return p;
    } finally {
      slots.give();
    }
  };
  const gated = (end: 'low' | 'high') => async (start: number, limit: number, signal?: AbortSignal) => {
    const p = await counted(start, limit, end === 'low' ? 'asc' : 'desc', signal);
    if (end === 'high' && start === 0 && newest === undefined && p.rows[0]) newest = idOf(p.rows[0]);
    return p;
  };

  type Walk = { iterator: AsyncIterator<WalkPage>; controller: AbortController };
  const walks: Partial<Record<'low' | 'high', Walk>> = {};
  const start = (end: 'low' | 'high') => {
    const controller = new AbortController();
    const outer = options.signal;
    if (outer) {
      if (outer.aborted) controller.abort(outer.reason);
      else outer.addEventListener('abort', () => controller.abort(outer.reason), { once: true });
    }
    const anchor = state[end];
    const iterator = walkById(gated(end), {
      pageSize: options.pageSize,
      ...(options.sizer ? { sizer: options.sizer } : {}),
      // An end left alone (the other failed on `order`) takes every slot.
      concurrency: failed[end === 'low' ? 'high' : 'low'] ? concurrency : share[end],
      order: end === 'low' ? 'asc' : 'desc',
      ...(anchor ? { resumeFrom: anchor } : {}),
      signal: controller.signal,
    })[Symbol.asyncIterator]();
    walks[end] = { iterator, controller };
  };
  const stop = (end: 'low' | 'high') => {
    const walk = walks[end];
    if (!walk) return;
    walk.controller.abort(new Error('the walks met'));
    walk.iterator.return?.(undefined).catch(() => {});
    delete walks[end];
  };

  type Settled = { end: 'low' | 'high'; result?: IteratorResult<WalkPage>; error?: unknown };
  const pending = new Map<'low' | 'high', Promise<Settled>>();
  const ask = (end: 'low' | 'high') => {
    const walk = walks[end]!;
    pending.set(
      end,
      walk.iterator.next().then(
        (result) => ({ end, result }),
        (error: unknown) => ({ end, error }),
      ),
    );
  };

  let covered = false; // every id up to the walk down's first top was yielded
  let lowReachedEnd = false;
  let highFailed = false;
  // An end whose pages came back out of id order: WHMCS ignores that `order`. The other end
  // goes on alone (and names the walk).
  const failed = { low: Boolean(state.downOnly), high: false };
  const walkKind = (): WalkKind => (failed.high ? 'up' : failed.low ? 'down' : 'both-ends');
  const first = failed.low ? 'high' : 'low';
  start(first);
  ask(first);
  try {
    while (!covered && pending.size > 0) {
      const settled = await Promise.race(pending.values());
      const { end } = settled;
      pending.delete(end);
      if (settled.error !== undefined) {
        if (options.signal?.aborted) throw settled.error;
        const other = end === 'low' ? 'high' : 'low';
        if (
          settled.error instanceof WhmcsWalkError &&
          settled.error.reason === 'no_progress' &&
          !failed[other] &&
          !(other === 'high' && highFailed)
        ) {
          // This end saw ids out of order (an `order` WHMCS ignores: some honour desc and not
          // asc): the other end goes on alone, to the far end of the list or to meet this one.
          failed[end] = true;
          if (end === 'high') highFailed = true;
          if (end === 'low' && yielded.low === 0) state.downOnly = true;
          delete walks[end];
          if (end === 'low' && !walks.high) {
            start('high');
            ask('high');
          }
          continue;
        }
        throw settled.error;
      }
      const result = settled.result!;
      if (result.done) {
        delete walks[end];
        // A walk that ended on its own reached the far end of the list: it alone covers it.
        if (end === 'low') lowReachedEnd = true;
        covered = true;
        break;
      }
      const page = result.value;
      const ids = page.rows.map(idOf);
      const fresh = page.rows.filter((_, i) =>
        end === 'low' ? ids[i]! < yielded.high : ids[i]! > yielded.low,
      );
      // An end has met the other once it has read up to an id the other yielded: its page holds
      // one, or (resumed after the ends met) its saved anchor already lies past it. The anchor is
      // where the end read to, past the meeting by the rest of that page, and a resumed end reads
      // on from there: with pages large enough, to the far end, where its page holds no row.
      const reached = page.anchor?.id;
      const met =
        fresh.length < page.rows.length ||
        (reached !== undefined && (end === 'low' ? reached >= yielded.high : reached <= yielded.low));
      if (end === 'high' && state.top === undefined) state.top = newest ?? ids[0] ?? 0;
      for (const row of fresh) {
        const id = idOf(row);
        if (end === 'low') yielded.low = Math.max(yielded.low, id);
        else yielded.high = Math.min(yielded.high, id);
        highestSeen = Math.max(highestSeen, id);
      }
      if (page.anchor) state[end] = page.anchor;
      state.distinct += fresh.length;
      progress.rows += fresh.length;
      // An end that reached the end of the list short of what the other end yielded did not
      // (a cap on limitnum that started mid-walk, rows deleted under it): the ids between them
      // were never seen. That end stops; the other goes on until they meet, or both stopped.
      const shortOfOther =
        page.evidence !== undefined &&
        !met &&
        (end === 'low' ? yielded.high !== Number.POSITIVE_INFINITY : yielded.low > 0);
      if (shortOfOther) {
        delete walks[end];
        if (end === 'high') highFailed = true;
      } else if (met || page.evidence) {
        covered = true;
        if (end === 'low' && page.evidence && !met) lowReachedEnd = true;
      }
      // The walk down starts once the first page came back: a refused login costs one call.
      if (end === 'low' && !walks.high && !highFailed && !covered) {
        start('high');
        ask('high');
      }
      if (covered) {
        stop('low');
        stop('high');
      } else if (walks[end]) ask(end);
      yield {
        rows: fresh,
        anchor: state.low,
        progress: { ...progress },
        end,
        state: { ...state },
        walk: walkKind(),
      };
    }
  } finally {
    stop('low');
    stop('high');
  }
  if (!covered) {
    throw walkError('no_progress', 'the walks from both ends stopped without meeting');
  }

  // Invoices created while the walk down went on sit above its first page: read them from the
  // top down to it. A walk up that reached the end read them already.
  if (!lowReachedEnd && state.top !== undefined) {
    const top = state.top;
    let topNewest: number | undefined;
    const fromTop = walkById(
      async (s, limit, signal) => {
        const p = await counted(s, limit, 'desc', signal);
        if (s === 0 && topNewest === undefined) topNewest = p.rows[0] ? idOf(p.rows[0]) : 0;
        return p;
      },
      {
        // Few invoices are created during one walk: small pages, no growth.
        pageSize: Math.min(options.pageSize, 100),
        concurrency: 1,
        order: 'desc',
        stopAtOrBelowId: top,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    for await (const page of fromTop) {
      for (const row of page.rows) highestSeen = Math.max(highestSeen, idOf(row));
      state.distinct += page.rows.length;
      progress.rows += page.rows.length;
      if (page.rows.length > 0) {
        yield {
          rows: page.rows,
          anchor: state.low,
          progress: { ...progress },
          end: 'top',
          state: { ...state },
          walk: walkKind(),
        };
      }
      if (page.evidence) break;
    }
    newest = topNewest;
  }
  // Stored invoices above all it saw, and no page from the top told WHMCS's newest (the walk up
  // read the whole list before the walk down began): one row from the top tells whether they
  // were deleted or missed, as a one-ended walk asks.
  const expectedMax = options.expect?.maxId ?? 0;
  if (newest === undefined && expectedMax > highestSeen && !highFailed) newest = await newestId();
  const evidence = judge();
  yield {
    rows: [],
    anchor: state.low,
    progress: { ...progress },
    end: 'top',
    state: { ...state },
    walk: walkKind(),
    evidence,
  };

  async function newestId(): Promise<number | undefined> {
    const p = await counted(0, 1, 'desc', options.signal);
    return p.rows[0] ? idOf(p.rows[0]) : undefined;
  }

  function seen(): WalkSeen {
    return {
      calls: progress.calls,
      pages: progress.pages,
      distinctIds: state.distinct,
      ...(highestSeen > 0 ? { highestId: highestSeen } : {}),
      totalResults: progress.totalResults,
      shortfall: Math.max(0, progress.totalResults - state.distinct),
      expectedMaxId: options.expect?.maxId ?? 0,
      ...(newest === undefined ? {} : { newestId: newest }),
    };
  }

  function walkError(reason: WhmcsWalkError['reason'], detail: string): WhmcsWalkError {
    return new WhmcsWalkError(reason, detail, seen());
  }

  /** The checks a one-ended walk makes at its end (paginate.ts `judge`), over both ends. */
  function judge(): WalkEvidence {
    const s = seen();
    const expectedMax = options.expect?.maxId ?? 0;
    // WHMCS's newest id is the first row from the top: if it is the highest seen, invoices
    // stored above it were deleted in WHMCS, not missed.
    if (expectedMax > highestSeen && newest !== highestSeen) {
      throw walkError(
        'below_stored_max',
        `it ended at #${highestSeen} but invoices up to #${expectedMax} were stored, and WHMCS's newest is ${newest === undefined ? 'unknown' : `#${newest}`}`,
      );
    }
    // A walk down alone ends on a short page that nothing else shows to be the bottom: only the
    // count does, and without the delete budget's slack (a cut page must not pass as the end).
    // Orphans unknown: none allowed, unless nothing was ever stored (nothing to delete).
    // (A walk down that met what the walk up yielded before it failed is proven by the meeting.)
    const downAlone = failed.low && yielded.low === 0;
    const strict = options.orphans ?? ((options.expect?.maxId ?? 0) === 0 ? Number.POSITIVE_INFINITY : 0);
    const allowance = Math.min(
      downAlone ? strict : Number.POSITIVE_INFINITY,
      options.expect?.orphanAllowance ?? Number.POSITIVE_INFINITY,
    );
    if (s.shortfall > allowance) {
      throw walkError(
        'count_shortfall',
        `it saw ${s.distinctIds} distinct invoices but WHMCS counts ${s.totalResults}: ${s.shortfall} missing, more than the ${allowance} orphaned invoices allowed${downAlone ? ' (WHMCS ignored order=asc: the walk went down alone, and only the count shows it reached the bottom)' : ''}`,
      );
    }
    return { complete: true, endedBy: 'end', ...s };
  }
}

/** At most `size` holders at once; the rest wait in order. */
class Semaphore {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(size: number) {
    this.#free = size;
  }

  async take(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  give(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}
