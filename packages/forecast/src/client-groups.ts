import { STEP_SLICE, type Steps } from './steps.ts';

/** Row indices grouped by client: the rows of the client ranked r are rows[start[r]..start[r + 1]). */
export interface ClientGroups {
  /** Each client id's rank: clients in the order their first row comes. */
  rank: Map<number, number>;
  start: Uint32Array;
  rows: Uint32Array;
}

/**
 * Rows 0..n-1 grouped by their client id, clients in the order their first row comes, each
 * client's rows in the order `order` lists them (row order when omitted): two counting passes,
 * yielding every {@link STEP_SLICE} rows of each. One client's figures read its group; the
 * series detector walks every group, its rows in due order.
 *
 * @example clientGroups(Int32Array.of(7, 9, 7), 3) // rank {7: 0, 9: 1}, start [0, 2, 3], rows [0, 2, 1]
 */
export function* clientGroups(
  client: ArrayLike<number>,
  n: number,
  order?: ArrayLike<number>,
): Steps<ClientGroups> {
  const rank = new Map<number, number>();
  const rankOf = new Uint32Array(n);
  const counts: number[] = [];
  for (let k = 0; k < n; k++) {
    if (k > 0 && k % STEP_SLICE === 0) yield;
    const id = client[k] as number;
    let r = rank.get(id);
    if (r === undefined) {
      r = rank.size;
      rank.set(id, r);
      counts.push(0);
    }
    rankOf[k] = r;
    counts[r] = (counts[r] as number) + 1;
  }
  const start = new Uint32Array(rank.size + 1);
  for (let r = 0; r < rank.size; r++) start[r + 1] = (start[r] as number) + (counts[r] as number);
  const next = start.slice(0, -1);
  const rows = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    if (k > 0 && k % STEP_SLICE === 0) yield;
    const i = order ? (order[k] as number) : k;
    const r = rankOf[i] as number;
    rows[next[r] as number] = i;
    next[r] = (next[r] as number) + 1;
  }
  return { rank, start, rows };
}
