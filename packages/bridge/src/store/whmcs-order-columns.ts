import type { WhmcsOrder, WhmcsOrderQuery, WhmcsSortKey } from './types.ts';

/** Distinct texts kept once per order read, at most: past it, texts are kept as read. */
const SHARED_TEXTS = 65_536;

/**
 * Rows of (id, key...), as both engines read an order, to an id array and one array per key,
 * taken one row at a time (neither engine holds a million rows at once: SQLite steps its
 * statement, PostgreSQL fetches from a cursor). Each distinct text is kept once: due dates and
 * statuses repeat, so a million keys hold a few thousand strings instead of a million (under the
 * bridge's 96 MB heap a million rows read whole, with a string per key, ran out of memory).
 */
export class OrderColumns {
  readonly ids: number[] = [];
  readonly keys: WhmcsSortKey[][];
  readonly #texts = new Map<string, string>();

  constructor(readonly keyCount: number) {
    this.keys = Array.from({ length: keyCount }, () => []);
  }

  add(row: readonly WhmcsSortKey[]): void {
    this.ids.push(Number(row[0]));
    for (let k = 0; k < this.keyCount; k++) {
      let key = row[k + 1] ?? null;
      if (typeof key === 'string') {
        const kept = this.#texts.get(key);
        if (kept !== undefined) key = kept;
        else if (this.#texts.size < SHARED_TEXTS) this.#texts.set(key, key);
      }
      (this.keys[k] as WhmcsSortKey[]).push(key);
    }
  }

  get order(): Omit<WhmcsOrder, 'seq'> {
    return { ids: this.ids, keys: this.keys };
  }
}

/** {@link OrderColumns} of these rows. */
export function columns(rows: Iterable<readonly WhmcsSortKey[]>, keyCount: number): Omit<WhmcsOrder, 'seq'> {
  const out = new OrderColumns(keyCount);
  for (const row of rows) out.add(row);
  return out.order;
}

/** The SQL of the keys an order sorts by, before the id (see WhmcsOrder.keys). */
export function sortKeys(
  query: Pick<WhmcsOrderQuery, 'orderBy'>,
  keys: Record<Exclude<WhmcsOrderQuery['orderBy'], 'default'>, string>,
): string[] {
  if (query.orderBy === 'default') return ['status', keys.duedate];
  return query.orderBy === 'id' ? [] : [keys[query.orderBy]];
}
