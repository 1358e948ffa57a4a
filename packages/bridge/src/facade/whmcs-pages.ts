import type { Store, WhmcsOrderQuery, WhmcsPage, WhmcsPageQuery } from '../store/types.ts';

/** What the facade needs of the store: orders, rows, and the seq that says an order is stale. */
export type WhmcsPagePort = Pick<Store, 'whmcsOrder' | 'whmcsRows' | 'currentSeq'>;

export interface WhmcsPagesOptions {
  /** Invoice ids kept across every cached order (8 bytes each); the oldest orders go first. */
  maxIds?: number;
}

interface CachedOrder {
  seq: number;
  ids: Float64Array;
}

/** A read that met a change is retried this often before it is served as read. */
const ATTEMPTS = 3;

/*
 * GetInvoices pages by offset (limitstart), and its clients walk an order from the start in
 * pages: an OFFSET query costs what it skips, so a whole walk costs the square of the invoices.
 * Each order (filter, orderby, order) is read once per seq as the full list of its ids and kept;
 * a page is then a slice of that list and a look-up of `limit` rows by key, whatever its offset.
 * Any write moves the store's seq and makes the next page read its order again.
 */
export class WhmcsPages {
  readonly #port: WhmcsPagePort;
  readonly #maxIds: number;
  readonly #orders = new Map<string, CachedOrder>();
  #held = 0;

  constructor(port: WhmcsPagePort, options: WhmcsPagesOptions = {}) {
    this.#port = port;
    this.#maxIds = options.maxIds ?? 4_000_000;
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
      if (rows.length === page.rows.length && (await this.#port.currentSeq()) === order.seq) break;
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
    const seq = await this.#port.currentSeq();
    const cached = this.#orders.get(key);
    if (cached) {
      this.#forget(key, cached);
      if (cached.seq === seq) {
        this.#keep(key, cached);
        return cached;
      }
    }
    const read = await this.#port.whmcsOrder(sourceId, query);
    const order = { seq: read.seq, ids: Float64Array.from(read.ids) };
    this.#keep(key, order);
    return order;
  }

  #keep(key: string, order: CachedOrder): void {
    this.#orders.set(key, order);
    this.#held += order.ids.length;
    for (const [oldest, old] of this.#orders) {
      if (this.#held <= this.#maxIds || oldest === key) break;
      this.#forget(oldest, old);
    }
  }

  #forget(key: string, order: CachedOrder): void {
    this.#orders.delete(key);
    this.#held -= order.ids.length;
  }
}
