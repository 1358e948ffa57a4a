/** An invoice that left the open lists since the last run: where did it go? */
export interface VanishedInvoice {
  id: number;
  clientId: number;
}

export interface VanishedPlan {
  /** Re-read by the newest-first walk, which goes down to `floor` (exclusive). */
  byWalk: VanishedInvoice[];
  /** Re-read by their client's list (two calls per client). */
  byClient: VanishedInvoice[];
  floor: number;
}

/** The ids whose stored-from counts `planVanished` asks for. */
export function planCandidates(vanished: readonly VanishedInvoice[], highWater: number): number[] {
  const ids = new Set([highWater + 1]);
  const step = Math.max(1, Math.floor(vanished.length / 50));
  for (let j = 1; j <= vanished.length; j += step) ids.add(vanished[j - 1]!.id);
  if (vanished.length > 0) ids.add(vanished.at(-1)!.id);
  return [...ids];
}

/**
 * How far down the newest-first walk of an incremental run goes. Past the high-water mark it
 * re-reads old invoices, which pays when many vanished invoices sit near the top; the others
 * are looked up by client, whichever costs fewer calls. `vanished` is sorted by id,
 * descending; `storedFrom(id)` counts the stored invoices with an id at or above `id` (for
 * every id `planCandidates` lists).
 */
export function planVanished(input: {
  vanished: readonly VanishedInvoice[];
  highWater: number;
  pageSize: number;
  storedFrom: (minId: number) => number;
}): VanishedPlan {
  const { vanished, highWater, pageSize, storedFrom } = input;
  const pageCalls = (minId: number) => Math.ceil(storedFrom(minId) / pageSize) + 1;
  const clientCalls = (rows: readonly VanishedInvoice[]) => 2 * new Set(rows.map((r) => r.clientId)).size;
  let cut = vanished.length; // vanished[0..cut) are covered by the walk
  let best = pageCalls(highWater + 1) + clientCalls(vanished);
  const step = Math.max(1, Math.floor(vanished.length / 50));
  for (let j = 1; j <= vanished.length; j += step) {
    const cost = pageCalls(vanished[j - 1]!.id) + clientCalls(vanished.slice(j));
    if (cost < best) {
      best = cost;
      cut = j;
    }
  }
  if (cut === vanished.length && vanished.length > 0) {
    const allByWalk = pageCalls(vanished.at(-1)!.id);
    if (allByWalk > best) cut = 0;
  }
  const byWalk = vanished.slice(0, cut);
  return {
    byWalk,
    byClient: vanished.slice(cut),
    floor: byWalk.length ? Math.min(highWater, byWalk.at(-1)!.id - 1) : highWater,
  };
}
