import {
  type PageSizer,
  WhmcsHttpError,
  WhmcsResponseError,
  WhmcsTimeoutError,
  type WireInvoice,
} from '@forecaster/whmcs-client';

/** The most rows one GetInvoices page may ask for, whatever the configuration says. */
export const MAX_PAGE_SIZE = 1000;

export interface LatencySizerOptions {
  /** The configured page size: where the walk starts, and the size it falls back to. */
  start: number;
  /** The largest page it may grow to (at most {@link MAX_PAGE_SIZE}). */
  max: number;
  /** How long one page may take: pages grow while they come back in half of it, and shrink above it. */
  budgetMs: number;
  /** Where the last run's pages had grown to: the first page's size (within start..max). */
  resume?: number;
}

/**
 * Grows pages to the largest size WHMCS answers within a latency budget: doubling while a page
 * comes back in under half of the budget, shrinking in proportion (down to the configured size)
 * when one takes longer than the budget. A cap WHMCS showed (fewer rows than asked while the list went on) and a page
 * that failed on the server (PHP out of memory or time on a huge page) lower the ceiling for
 * the rest of the run.
 */
export class LatencySizer implements PageSizer {
  readonly #start: number;
  readonly #budgetMs: number;
  #max: number;
  #size: number;

  constructor(options: LatencySizerOptions) {
    this.#start = Math.max(1, Math.min(options.start, MAX_PAGE_SIZE - 1));
    // The walk asks one row more than the page, to overlap the last one: limitnum stays <= 1000.
    this.#max = Math.max(this.#start, Math.min(options.max, MAX_PAGE_SIZE - 1));
    this.#budgetMs = options.budgetMs;
    this.#size = Math.max(this.#start, Math.min(this.#max, options.resume ?? this.#start));
  }

  size(): number {
    return this.#size;
  }

  /** The ceiling now: lowered by caps and failures. */
  get max(): number {
    return this.#max;
  }

  capped(limit: number): void {
    this.#max = Math.max(1, Math.min(this.#max, limit - 2));
    this.#size = Math.min(this.#size, this.#max);
  }

  /** A page of `limit` rows took `ms`. */
  observe(limit: number, ms: number): void {
    if (ms > this.#budgetMs) {
      // Never below the configured size: a page's time is mostly the call's own (PHP starting, a
      // busy machine), not its rows, and smaller pages would only make more calls of it.
      this.#size = Math.max(this.#start, Math.min(this.#size, Math.floor((limit * this.#budgetMs) / ms)));
    } else if (ms * 2 <= this.#budgetMs && limit >= this.#size) {
      this.#size = Math.min(this.#max, this.#size * 2);
    }
  }

  /**
   * A page of `limit` rows failed in a way a smaller page may not: answer whether to ask again
   * with {@link size} (lowered here). Only above the configured size: at or below it, the
   * failure is WHMCS's, not the page's.
   */
  failed(limit: number, err: unknown): boolean {
    if (limit <= this.#start + 1 || !pageTooLarge(err)) return false;
    this.#max = Math.max(this.#start, Math.floor(limit / 2));
    this.#size = Math.min(this.#size, this.#max);
    return true;
  }
}

/** What a huge page can cause on WHMCS's side: PHP's memory or time limit, a proxy's timeout. */
function pageTooLarge(err: unknown): boolean {
  if (err instanceof WhmcsTimeoutError) return true;
  if (err instanceof WhmcsHttpError) return err.code === 'http_error' && (err.status ?? 0) >= 500;
  // A page cut off mid-body (PHP died while writing) does not parse; one over the client's
  // byte limit is too large by definition.
  return err instanceof WhmcsResponseError;
}

/** One GetInvoices page by id, in either order. */
export type OrderedFetch = (
  start: number,
  limit: number,
  order: 'asc' | 'desc',
  signal?: AbortSignal,
) => Promise<{ rows: WireInvoice[]; totalResults: number }>;

/**
 * Times every page for the sizer, and asks once more with half the rows when a page larger
 * than the configured size failed on the server. The shorter answer looks to the walk like a
 * cap, which it confirms before trusting it (paginate.ts).
 */
export function sizedFetch(
  fetch: OrderedFetch,
  sizer: LatencySizer,
  now = () => performance.now(),
): OrderedFetch {
  return async (start, limit, order, signal) => {
    const started = now();
    try {
      const page = await fetch(start, limit, order, signal);
      sizer.observe(limit, now() - started);
      return page;
    } catch (err) {
      if (signal?.aborted || !sizer.failed(limit, err)) throw err;
      return fetch(start, Math.max(2, Math.floor(limit / 2)), order, signal);
    }
  };
}
