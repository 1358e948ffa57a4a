/*
 * Page bodies of /v1/invoices and /v1/changes, ready to send, kept while the store's seq stays
 * where it was: every write moves the seq (store/types.ts), so a body kept under the current seq
 * is exactly what reading the store again would give. Readers walking the same pages (a module's
 * dashboards, several pollers) then cost a look-up, and requests for a page being built wait for
 * that one build instead of each reading the store.
 */

import type { Body } from './json-body.ts';

export interface PageCacheOptions {
  /** Bytes of bodies kept (the oldest go first). */
  maxBytes?: number;
}

/** A page of 500 invoices is about 340 KB: the default keeps about a hundred. */
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

export class PageCache {
  readonly #maxBytes: number;
  readonly #bodies = new Map<string, Promise<Body>>();
  readonly #sizes = new Map<string, number>();
  #seq = -1;
  #bytes = 0;
  hits = 0;
  misses = 0;

  constructor(options: PageCacheOptions = {}) {
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /**
   * The body for `key` at store seq `seq` (read before the store is): kept, or built by `build`.
   * A body built at an older seq than the newest seen is served but not kept.
   */
  body(key: string, seq: number, build: () => Promise<Body>): Promise<Body> {
    if (seq > this.#seq) {
      this.#bodies.clear();
      this.#sizes.clear();
      this.#bytes = 0;
      this.#seq = seq;
    }
    const kept = seq === this.#seq ? this.#bodies.get(key) : undefined;
    if (kept) {
      this.hits++;
      // Most recently used last: eviction takes from the front.
      this.#bodies.delete(key);
      this.#bodies.set(key, kept);
      return kept;
    }
    this.misses++;
    const built = build();
    if (seq !== this.#seq) return built;
    this.#bodies.set(key, built);
    built.then(
      (body) => this.#account(key, built, body.length),
      () => this.#bodies.get(key) === built && this.#bodies.delete(key),
    );
    return built;
  }

  #account(key: string, built: Promise<Body>, size: number): void {
    if (this.#bodies.get(key) !== built) return; // dropped meanwhile (a newer seq)
    this.#sizes.set(key, size);
    this.#bytes += size;
    for (const [oldest] of this.#bodies) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#bytes -= this.#sizes.get(oldest) ?? 0;
      this.#sizes.delete(oldest);
      this.#bodies.delete(oldest);
    }
  }
}
