import type { Store, WhmcsOrderQuery, WhmcsPage, WhmcsPageQuery } from '../store/types.ts';
import { type HeldOrder, held, mergeChanges, orderDirections } from './whmcs-order-merge.ts';

/**
 * What the facade needs of the store: orders, what changed in them, rows, and the source's seq
 * that says an order is stale.
 */
export type WhmcsPagePort = Pick<Store, 'whmcsOrder' | 'whmcsOrderChanges' | 'whmcsRows' | 'sourceSeq'>;

export interface WhmcsPagesOptions {
  /**
   * Entries kept across every cached order, the oldest orders dropped first: each id and each of
   * its sort keys (none for `id`, two for WHMCS's default order) is one, about 8 bytes. The
   * default holds six million: two orders of a million invoices with their keys, within the
   * bridge's 96 MB heap.
   */
  maxIds?: number;
}

/** What a kept order counts against the bound: its ids and their keys. */
const entriesOf = (order: HeldOrder) => order.ids.length * (1 + order.keys.length);

interface CachedOrder extends HeldOrder {
  /** The source's seq the order is current at. */
  seq: number;
}

/** Changes merged into a kept order rather than reading it again, at least (else a quarter of it). */
const MERGE_AT_LEAST = 10_000;

/** A read that met a change is retried this often before it is served as read. */
const ATTEMPTS = 3;

/*
 * GetInvoices pages by offset (limitstart), and its clients walk an order from the start in
 * pages: an OFFSET query costs what it skips, so a whole walk costs the square of the invoices.
 * Each order (filter, orderby, order) is read once as the full list of its ids (with their sort
 * keys) and kept; a page is then a slice of that list and a look-up of `limit` rows by key,
 * whatever its offset. A write to the source moves its seq: the next page reads only what was
 * written since and merges it into the order (whmcs-order-merge.ts); the order is read whole again
 * only when more than a quarter of it changed. A write to another source changes nothing here.
 */
export class WhmcsPages {
  readonly #port: WhmcsPagePort;
  readonly #maxIds: number;
  readonly #orders = new Map<string, CachedOrder>();
  readonly #pending = new Map<string, Promise<CachedOrder>>();
  #held = 0;

  constructor(port: WhmcsPagePort, options: WhmcsPagesOptions = {}) {
    this.#port = port;
    this.#maxIds = options.maxIds ?? 6_000_000;
  }

  /** One page of a source's live invoices, filtered and ordered as WHMCS's GetInvoices does. */
  async page(sourceId: string, query: WhmcsPageQuery): Promise<WhmcsPage> {
    const { offset, limit, ...orderQuery } = query;
    const start = Math.max(0, Math.floor(offset));
    const count = Math.max(0, Math.floor(limit));
    let page: WhmcsPage = { total: 0, rows: [] };
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const order = await this.#order(sourceId, orderQuery);
      const ids = Array.from(order.ids.subarray(start, start + count));
      const rows = ids.length === 0 ? [] : await this.#port.whmcsRows(sourceId, ids);
      page = { total: order.ids.length, rows: rows.filter((row) => row !== undefined) };
      // The rows must be those of the order's snapshot: a write in between (a row gone or
      // changed) reads the order again.
      if (rows.length === page.rows.length && (await this.#port.sourceSeq(sourceId)) === order.seq) break;
    }
    return page;
  }

  async #order(sourceId: string, query: WhmcsOrderQuery): Promise<CachedOrder> {
    const key = JSON.stringify([
      sourceId,
      query.status ?? null,
      query.overdueBefore ?? null,
      query.userId ?? null,
      query.orderBy,
      query.order,
    ]);
    const seq = await this.#port.sourceSeq(sourceId);
    const cached = this.#orders.get(key);
    if (cached?.seq === seq) {
      this.#forget(key, cached);
      this.#keep(key, cached);
      return cached;
    }
    // Calls in the same order while it is brought up to date wait for the same read.
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#refresh(sourceId, query, cached).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    const order = await pending;
    const current = this.#orders.get(key);
    if (current) this.#forget(key, current);
    const fresher = current && current.seq > order.seq ? current : order;
    this.#keep(key, fresher);
    return fresher;
  }

  async #refresh(sourceId: string, query: WhmcsOrderQuery, cached?: CachedOrder): Promise<CachedOrder> {
    if (cached) {
      const limit = Math.max(MERGE_AT_LEAST, Math.floor(cached.ids.length / 4));
      const changes = await this.#port.whmcsOrderChanges(sourceId, query, cached.seq, limit);
      // A seq lower than the kept one (invoices purged) or too many changes: read it whole.
      if (changes && changes.seq >= cached.seq) {
        return { seq: changes.seq, ...mergeChanges(cached, changes, orderDirections(query)) };
      }
    }
    const read = await this.#port.whmcsOrder(sourceId, query);
    return { seq: read.seq, ...held(read) };
  }

  #keep(key: string, order: CachedOrder): void {
    this.#orders.set(key, order);
    this.#held += entriesOf(order);
    for (const [oldest, old] of this.#orders) {
      if (this.#held <= this.#maxIds || oldest === key) break;
      this.#forget(oldest, old);
    }
  }

  #forget(key: string, order: CachedOrder): void {
    this.#orders.delete(key);
    this.#held -= entriesOf(order);
  }
}
