import { type LedgerInvoice, toLedger } from '@forecaster/forecast';
import type { Store } from '../store/types.ts';

/*
 * The store's live invoices as the forecast package's ledger, kept in memory and brought up to
 * date from the change feed: the first request reads every invoice once, later ones read only
 * what changed since (a figure over a million invoices must not parse a million JSON documents
 * per request).
 */

const PAGE = 5000;

export class LedgerCache {
  readonly #store: Store;
  readonly #byKey = new Map<string, LedgerInvoice>();
  #seq = -1;
  #array: LedgerInvoice[] | null = null;
  /** Per set of sources, the same array until something changes (callers may key caches on it). */
  readonly #bySources = new Map<string, LedgerInvoice[]>();
  /** Refreshes run one at a time: two requests must not apply the same changes twice over. */
  #pending: Promise<void> = Promise.resolve();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Live invoices held now. */
  get size(): number {
    return this.#byKey.size;
  }

  /** Every live invoice of these sources, as of the latest change in the store. */
  async ledger(sources: readonly string[]): Promise<LedgerInvoice[]> {
    const run = this.#pending.then(() => this.#refresh());
    this.#pending = run.catch(() => undefined);
    await run;
    if (this.#array === null) {
      this.#array = [...this.#byKey.values()];
      this.#bySources.clear();
    }
    const all = this.#array;
    const key = [...sources].sort().join(',');
    let mine = this.#bySources.get(key);
    if (!mine) {
      const wanted = new Set(sources);
      mine = all.filter((i) => wanted.has(i.source));
      this.#bySources.set(key, mine);
    }
    return mine;
  }

  async #refresh(): Promise<void> {
    if (this.#seq < 0) {
      // The seq first: a change landing during the listing is then re-applied below, harmlessly.
      const seq = await this.#store.currentSeq();
      let after: { source: string; id: number } | undefined;
      for (;;) {
        const page = await this.#store.listInvoices({}, after, PAGE);
        for (const row of page)
          this.#byKey.set(`${row.invoice.source}:${row.invoice.id}`, toLedger(row.invoice));
        const last = page[page.length - 1];
        if (page.length < PAGE || !last) break;
        after = { source: last.invoice.source, id: last.invoice.id };
      }
      this.#seq = seq;
      this.#array = null;
    }
    for (;;) {
      const changes = await this.#store.changes(this.#seq, PAGE);
      for (const c of changes) {
        const key = `${c.source}:${c.id}`;
        if (c.kind === 'delete') this.#byKey.delete(key);
        else this.#byKey.set(key, toLedger(c.invoice));
        this.#seq = c.seq;
      }
      if (changes.length > 0) this.#array = null;
      if (changes.length < PAGE) break;
    }
  }
}
