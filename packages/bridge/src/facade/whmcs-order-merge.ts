import type { WhmcsOrder, WhmcsOrderChanges, WhmcsOrderQuery, WhmcsSortKey } from '../store/types.ts';

/*
 * An order of the facade kept up to date from the store's changes instead of read again: the
 * invoices written since are taken out and those still matching put back where their keys say.
 * The comparison is the engines' own (both sort as SQLite does: NULL, then numbers, then text in
 * byte order, which is code point order), so a merged order is the one a new read would give.
 */

/** The direction of each key of an order (1 ascending, -1 descending), then of the id. */
export interface OrderDirections {
  keys: number[];
  id: number;
}

/** GetInvoices' orders: `default` is status descending, then due date; ties by id ascending. */
export function orderDirections(query: Pick<WhmcsOrderQuery, 'orderBy' | 'order'>): OrderDirections {
  const sign = query.order === 'desc' ? -1 : 1;
  if (query.orderBy === 'default') return { keys: [-1, 1], id: 1 };
  if (query.orderBy === 'id') return { keys: [], id: sign };
  return { keys: [sign], id: 1 };
}

/** Two sort keys as SQLite and PostgreSQL (COLLATE "C") compare them. */
export function compareKeys(a: WhmcsSortKey, b: WhmcsSortKey): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number') return typeof b === 'number' ? a - b : -1;
  if (typeof b === 'number') return 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 puts the surrogates (code points above U+FFFF) before U+E000..U+FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

export interface HeldOrder {
  ids: Float64Array;
  keys: WhmcsSortKey[][];
}

/** The order with the changes applied: every changed id out, the matching ones in at their place. */
export function mergeChanges(
  order: HeldOrder,
  changes: Pick<WhmcsOrderChanges, 'changed' | 'matching'>,
  dirs: OrderDirections,
): HeldOrder {
  const { ids, keys } = order;
  const compare = (aKeys: WhmcsSortKey[], aId: number, i: number): number => {
    for (let k = 0; k < dirs.keys.length; k++) {
      const c = compareKeys(aKeys[k]!, keys[k]![i]!);
      if (c !== 0) return c * dirs.keys[k]!;
    }
    return (aId - ids[i]!) * dirs.id;
  };
  const removed = positionsOf(ids, changes.changed);
  // Where each matching row goes among the old ones (stale keys of changed rows included: they
  // are still in the order the old ones were sorted by, and are skipped below).
  const inserts = changes.matching.ids.map((id, j) => {
    const rowKeys = changes.matching.keys.map((column) => column[j] ?? null);
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(rowKeys, id, mid) > 0) lo = mid + 1;
      else hi = mid;
    }
    return { at: lo, id, keys: rowKeys };
  });
  inserts.sort((a, b) => a.at - b.at || compareRows(a, b, dirs));

  const size = ids.length - removed.length + inserts.length;
  const outIds = new Float64Array(size);
  const outKeys = keys.map(() => new Array<WhmcsSortKey>(size));
  let o = 0;
  let from = 0;
  const copy = (to: number) => {
    outIds.set(ids.subarray(from, to), o);
    for (let k = 0; k < keys.length; k++) {
      const src = keys[k]!;
      const dst = outKeys[k]!;
      for (let i = from, at = o; i < to; i++, at++) dst[at] = src[i]!;
    }
    o += to - from;
    from = to;
  };
  let r = 0;
  for (const insert of inserts) {
    while (r < removed.length && removed[r]! < insert.at) {
      copy(removed[r]!);
      from++;
      r++;
    }
    copy(insert.at);
    outIds[o] = insert.id;
    for (let k = 0; k < keys.length; k++) outKeys[k]![o] = insert.keys[k]!;
    o++;
  }
  for (; r < removed.length; r++) {
    copy(removed[r]!);
    from++;
  }
  copy(ids.length);
  return { ids: outIds, keys: outKeys };
}

function compareRows(
  a: { id: number; keys: WhmcsSortKey[] },
  b: { id: number; keys: WhmcsSortKey[] },
  dirs: OrderDirections,
): number {
  for (let k = 0; k < dirs.keys.length; k++) {
    const c = compareKeys(a.keys[k]!, b.keys[k]!);
    if (c !== 0) return c * dirs.keys[k]!;
  }
  return (a.id - b.id) * dirs.id;
}

/** The positions (ascending) of these ids in `ids`: one pass, testing each against a bitmap. */
function positionsOf(ids: Float64Array, wanted: readonly number[]): number[] {
  if (wanted.length === 0) return [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const id of wanted) {
    if (id < lo) lo = id;
    if (id > hi) hi = id;
  }
  const found: number[] = [];
  if (hi - lo < 1 << 24) {
    const marks = new Uint8Array(hi - lo + 1);
    for (const id of wanted) marks[id - lo] = 1;
    const span = hi - lo;
    for (let i = 0; i < ids.length; i++) {
      const d = ids[i]! - lo;
      if (d >= 0 && d <= span && marks[d] === 1) found.push(i);
    }
  } else {
    const set = new Set(wanted);
    for (let i = 0; i < ids.length; i++) if (set.has(ids[i]!)) found.push(i);
  }
  return found;
}

/** An order as read from the store, held as a typed array of ids and its keys. */
export function held(read: Omit<WhmcsOrder, 'seq'>): HeldOrder {
  return { ids: Float64Array.from(read.ids), keys: read.keys };
}
