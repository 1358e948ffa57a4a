import type { WhmcsOrder, WhmcsOrderQuery, WhmcsSortKey } from './types.ts';

/** Rows of (id, key...), as both engines read an order, to an id array and one array per key. */
export function columns(rows: WhmcsSortKey[][], keyCount: number): Omit<WhmcsOrder, 'seq'> {
  const ids = rows.map((row) => Number(row[0]));
  const keys = Array.from({ length: keyCount }, (_, k) => rows.map((row) => row[k + 1] ?? null));
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
