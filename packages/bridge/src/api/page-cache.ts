/*
 * Page bodies of /v1/invoices and /v1/changes, ready to send, kept while the store's seq stays
 * where it was: every write moves the seq (store/types.ts), so a body kept under the current seq
 * is exactly what reading the store again would give. Readers walking the same pages (a module's
 * dashboards, several pollers) then cost a look-up, and requests for a page being built wait for
 * that one build instead of each reading the store.
 *
 * A walk reads ahead: when a page of a walk already under way (asked with a cursor) has a next
 * page, that page is built once the answer is on its way, so the walker's next request finds it
 * ready instead of waiting for the store. One page ahead, one at a time, and a page built ahead
 * never reads ahead itself: a walker that stops costs at most one page it did not ask for. Not
 * while the store is being written (its seq moved within `quietMs`): a sync moves it every few
 * milliseconds, and a page built ahead would be dropped before it is asked for.
 */

import type { Body } from './json-body.ts';

export interface PageCacheOptions {
  /** Bytes of bodies kept (the oldest go first). */
  maxBytes?: number;
  /** How long after a write (a newer seq) pages are not read ahead. */
  quietMs?: number;
  /** Milliseconds, for the quiet time (tests). */
  clock?: () => number;
}

/** A body, and where the page after it starts (undefined on the last page). */
export interface Page<Next> {
  body: Body;
  next: Next | undefined;
}

/** A page of 500 invoices is about 340 KB: the default keeps about a hundred. */
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

export class PageCache<Next> {
  readonly #maxBytes: number;
  readonly #quietMs: number;
  readonly #clock: () => number;
  readonly #pages = new Map<string, Promise<Page<Next>>>();
  readonly #sizes = new Map<string, number>();
  #seq = -1;
  /** When a write was last seen (the seq moved past one seen before). */
  #writtenAt = Number.NEGATIVE_INFINITY;
  #bytes = 0;
  #readingAhead = false;
  hits = 0;
  misses = 0;
  readAheads = 0;

  constructor(options: PageCacheOptions = {}) {
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#quietMs = options.quietMs ?? 1000;
    this.#clock = options.clock ?? (() => performance.now());
  }

  /**
   * The page for `key` at store seq `seq` (read before the store is): kept, or built by `build`.
   * A page built at an older seq than the newest seen is served but not kept.
   */
  page(key: string, seq: number, build: () => Promise<Page<Next>>): Promise<Page<Next>> {
    if (seq > this.#seq) {
      if (this.#seq >= 0) this.#writtenAt = this.#clock();
      this.#pages.clear();
      this.#sizes.clear();
      this.#bytes = 0;
      this.#seq = seq;
    }
    const kept = seq === this.#seq ? this.#pages.get(key) : undefined;
    if (kept) {
      this.hits++;
      // Most recently used last: eviction takes from the front.
      this.#pages.delete(key);
      this.#pages.set(key, kept);
      return kept;
    }
    this.misses++;
    return this.#build(key, seq, build);
  }

  /**
   * Builds the page for `key` before it is asked for (a walk's next page), after the answers
   * already on their way: unless one is being built ahead already, the page is kept or being
   * built, a write has moved the seq meanwhile, or the store was written within `quietMs`.
   */
  readAhead(key: string, seq: number, build: () => Promise<Page<Next>>): void {
    if (this.#readingAhead || seq !== this.#seq || this.#pages.has(key)) return;
    if (this.#clock() - this.#writtenAt < this.#quietMs) return;
    this.#readingAhead = true;
    const done = () => {
      this.#readingAhead = false;
    };
    setImmediate(() => {
      if (seq !== this.#seq || this.#pages.has(key)) return done();
      this.readAheads++;
      this.#build(key, seq, build).then(done, done);
    });
  }

  #build(key: string, seq: number, build: () => Promise<Page<Next>>): Promise<Page<Next>> {
    const built = build();
    if (seq !== this.#seq) return built;
    this.#pages.set(key, built);
    built.then(
      (page) => this.#account(key, built, page.body.length),
      () => this.#pages.get(key) === built && this.#pages.delete(key),
    );
    return built;
  }

  #account(key: string, built: Promise<Page<Next>>, size: number): void {
    if (this.#pages.get(key) !== built) return; // dropped meanwhile (a newer seq)
    this.#sizes.set(key, size);
    this.#bytes += size;
    for (const [oldest] of this.#pages) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#bytes -= this.#sizes.get(oldest) ?? 0;
      this.#sizes.delete(oldest);
      this.#pages.delete(oldest);
    }
  }
}
