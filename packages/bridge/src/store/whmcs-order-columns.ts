import type { WhmcsOrder, WhmcsOrderQuery, WhmcsSortKey } from './types.ts';

/** Distinct texts kept once per order read, at most: past it, texts are kept as read. */
const SHARED_TEXTS = 65_536;

/**
 * Rows of (id, key...), as both engines read an order, to an id array and one array per key,
 * consumed one row at a time (SQLite hands them over as it steps: a million rows never sit in
 * memory at once). Each distinct text is kept once: due dates and statuses repeat, so a million
 * keys hold a few thousand strings instead of a million (under the bridge's 96 MB heap a million
 * rows read whole, with a string per key, ran out of memory).
 */
export function columns(rows: Iterable<WhmcsSortKey[]>, keyCount: number): Omit<WhmcsOrder, 'seq'> {
  const ids: number[] = [];
  const keys: WhmcsSortKey[][] = Array.from({ length: keyCount }, () => []);
  const texts = new Map<string, string>();
  for (const row of rows) {
    ids.push(Number(row[0]));
    for (let k = 0; k < keyCount; k++) {
      let key = row[k + 1] ?? null;
      if (typeof key === 'string') {
        const kept = texts.get(key);
        if (kept !== undefined) key = kept;
        else if (texts.size < SHARED_TEXTS) texts.set(key, key);
      }
      (keys[k] as WhmcsSortKey[]).push(key);
    }
  }
  return { ids, keys };
}

/** The SQL of the keys an order sorts by, before the id (see WhmcsOrder.keys). */
export function sortKeys(
  query: Pick<WhmcsOrderQuery, 'orderBy'>,
  keys: Record<Exclude<WhmcsOrderQuery['orderBy'], 'default'>, string>,
): string[] {
  if (query.orderBy === 'default') return ['status', keys.duedate];
  return query.orderBy === 'id' ? [] : [keys[query.orderBy]];
}
