import type { WireInvoice } from '@forecaster/whmcs-client';
import type { OrderedFetch } from '../page-sizer.ts';

export interface FakeListOptions {
  /** Rows answered at most, whatever the limit (a capping proxy). */
  cap?: number;
  /** Answers `desc` in ascending order (WHMCS ignoring `order`). */
  ignoreOrder?: boolean;
  /** Answers `asc` in descending order (a WHMCS that honours `order=desc` and ignores `asc`). */
  ignoreAsc?: boolean;
  /** Answers in an order that is not by id (WHMCS ignoring `orderby`). */
  ignoreOrderBy?: boolean;
  /** Counted by totalresults, never listed (invoices of deleted clients). */
  orphans?: number;
  /** Runs before every answer: change the list under the walk. */
  before?: (list: FakeInvoiceList, call: number) => void;
}

/** A GetInvoices list by id in memory, for walks tested without HTTP: every call recorded. */
export class FakeInvoiceList {
  ids: number[];
  readonly calls: Array<{ start: number; limit: number; order: 'asc' | 'desc' }> = [];
  readonly #options: FakeListOptions;

  constructor(count: number, options: FakeListOptions = {}) {
    this.ids = Array.from({ length: count }, (_, i) => i + 1);
    this.#options = options;
  }

  /** Creates `n` invoices with new, higher ids. */
  add(n: number): void {
    let next = (this.ids.at(-1) ?? 0) + 1;
    for (let i = 0; i < n; i++) this.ids.push(next++);
  }

  remove(id: number): void {
    this.ids = this.ids.filter((x) => x !== id);
  }

  readonly fetch: OrderedFetch = async (start, limit, order) => {
    this.calls.push({ start, limit, order });
    this.#options.before?.(this, this.calls.length);
    await new Promise((resolve) => setImmediate(resolve));
    const desc = order === 'desc' ? !this.#options.ignoreOrder : Boolean(this.#options.ignoreAsc);
    let sorted = desc ? [...this.ids].reverse() : this.ids;
    if (this.#options.ignoreOrderBy) sorted = [...sorted].sort((a, b) => (a % 7) - (b % 7) || a - b);
    const rows = sorted.slice(start, start + Math.min(limit, this.#options.cap ?? limit));
    return {
      rows: rows.map((id) => ({ id }) as unknown as WireInvoice),
      totalResults: this.ids.length + (this.#options.orphans ?? 0),
    };
  };
}
