import type { WireInvoice } from '@forecaster/whmcs-client';
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
  /** Pages of more rows than this are not read ahead (limitnum goes up to 100,000). Default 500. */
  maxReadAhead?: number;
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

/**
 * Walks followed at once, the least recently walked dropped first: each may hold a page of rows
 * read ahead (measured 154 KB of heap for 250 rows: 8 pages of 500 about 2.5 MB).
 */
const MAX_WALKS = 8;

type Rows = Array<WireInvoice | undefined>;

/** A walk's next page, expected: the order's seq its last page was read at, and its rows read ahead. */
interface NextPage {
  seq: number;
  /** Read at `seq`; undefined if the read failed. */
  ahead?: Promise<Rows | undefined>;
}

/** The key of an order: a source, a filter and a sort. */
function orderKey(sourceId: string, query: WhmcsOrderQuery): string {
  return JSON.stringify([
    sourceId,
    query.status ?? null,
    query.overdueBefore ?? null,
    query.userId ?? null,
    query.orderBy,
    query.order,
  ]);
}

/*
 * GetInvoices pages by offset (limitstart), and its clients walk an order from the start in
 * pages: an OFFSET query costs what it skips, so a whole walk costs the square of the invoices.
 * Each order (filter, orderby, order) is read once as the full list of its ids (with their sort
 * keys) and kept; a page is then a slice of that list and a look-up of `limit` rows by key,
 * whatever its offset. A write to the source moves its seq: the next page reads only what was
 * written since and merges it into the order (whmcs-order-merge.ts); the order is read whole again
 * only when more than a quarter of it changed. A write to another source changes nothing here.
 *
 * A walk reads ahead: when a page continues a walk (it starts where an earlier page in its order
 * ended, with the same limit, and nothing was written between them), the next page's rows are
 * read once the answer is on its way, so the walker's next call (GetInvoices clients walk
 * limitstart by limitnum) finds them ready. Calls at other offsets, or of more than 500 rows,
 * read nothing ahead; a page read ahead reads nothing further until it is asked for; rows read
 * ahead are used only at the seq they were read at.
 */
export class WhmcsPages {
  readonly #port: WhmcsPagePort;
  readonly #maxIds: number;
  readonly #maxReadAhead: number;
  readonly #orders = new Map<string, CachedOrder>();
  readonly #pending = new Map<string, Promise<CachedOrder>>();
  /** By order key, start and limit: the pages walks are expected to ask next. */
  readonly #walks = new Map<string, NextPage>();
  #held = 0;
  /** Pages whose rows were read ahead (tests). */
  readAheads = 0;

  constructor(port: WhmcsPagePort, options: WhmcsPagesOptions = {}) {
    this.#port = port;
    this.#maxIds = options.maxIds ?? 6_000_000;
    this.#maxReadAhead = options.maxReadAhead ?? 500;
  }

  /** One page of a source's live invoices, filtered and ordered as WHMCS's GetInvoices does. */
  async page(sourceId: string, query: WhmcsPageQuery): Promise<WhmcsPage> {
    const { offset, limit, ...orderQuery } = query;
    const start = Math.max(0, Math.floor(offset));
    const count = Math.max(0, Math.floor(limit));
    const key = orderKey(sourceId, orderQuery);
    const at = `${key} ${start} ${count}`;
    const expected = this.#walks.get(at);
    this.#walks.delete(at);
    let page: WhmcsPage = { total: 0, rows: [] };
    let order: CachedOrder | undefined;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      order = await this.#order(key, sourceId, orderQuery);
      const ids = Array.from(order.ids.subarray(start, start + count));
      const readAhead = attempt === 1 && expected?.seq === order.seq ? await expected.ahead : undefined;
      const rows = ids.length === 0 ? [] : (readAhead ?? (await this.#port.whmcsRows(sourceId, ids)));
      page = { total: order.ids.length, rows: rows.filter((row) => row !== undefined) };
      // The rows must be those of the order's snapshot: a write in between (a row gone or
      // changed) reads the order again.
      if (rows.length === page.rows.length && (await this.#port.sourceSeq(sourceId)) === order.seq) break;
    }
    if (order) this.#expect(key, sourceId, order, start + count, count, expected?.seq === order.seq);
    return page;
  }

  /**
   * Expects a walk's next page at `start`, and reads its rows ahead if the page just served
   * continued a walk (it was expected, at the same seq).
   */
  #expect(
    key: string,
    sourceId: string,
    order: CachedOrder,
    start: number,
    count: number,
    walking: boolean,
  ): void {
    if (count === 0 || start >= order.ids.length) return;
    const next: NextPage = { seq: order.seq };
    this.#walks.set(`${key} ${start} ${count}`, next);
    for (const [oldest] of this.#walks) {
      if (this.#walks.size <= MAX_WALKS) break;
      this.#walks.delete(oldest);
    }
    if (!walking || count > this.#maxReadAhead) return;
    const ids = Array.from(order.ids.subarray(start, start + count));
    // After this answer is on its way; a failed read leaves the next page to read itself.
    next.ahead = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#port.whmcsRows(sourceId, ids))
      .catch(() => undefined);
    this.readAheads++;
  }

  async #order(key: string, sourceId: string, query: WhmcsOrderQuery): Promise<CachedOrder> {
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
