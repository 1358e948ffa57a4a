import { getHeapStatistics } from 'node:v8';

/*
 * The exact figures (/v1/receivables, /v1/payment-behaviour, /v1/revenue/figures) read every live
 * invoice as an object with bigint amounts (ledger-cache.ts): about 380 bytes of heap each once
 * built (measured after a full GC: 87 MB for 200,000), more while it is built. The bridge is
 * started with a 96 MB heap (scripts/bundle.ts NODE_FLAGS): 200,000 invoices ran the process out
 * of memory there (they fit under 128 MB), killing the API and any sync with it. Past what fits it
 * now answers 503 with what it needs instead; the forecast and /v1/revenue read columns or SQL and
 * are not bounded by this.
 */

/** Heap bytes the object ledger takes per invoice (380 measured, with room for building it). */
export const LEDGER_BYTES_PER_INVOICE = 500;

/** Share of the heap left free that the ledger may take (the request's own work needs the rest). */
const SHARE = 0.8;

/** The heap's limit and use (tests replace it). */
export const heap = {
  statistics: (): { heap_size_limit: number; used_heap_size: number } => getHeapStatistics(),
};

const MiB = 2 ** 20;

/**
 * Undefined when `adding` more invoices fit in the heap beside what it holds now; else what the
 * ledger needs and what the process has, in MiB, for the error's message.
 */
export function ledgerRoom(
  adding: number,
): { needMiB: number; freeMiB: number; limitMiB: number } | undefined {
  if (adding <= 0) return undefined;
  const { heap_size_limit: limit, used_heap_size: used } = heap.statistics();
  const need = adding * LEDGER_BYTES_PER_INVOICE;
  if (need <= (limit - used) * SHARE) return undefined;
  return {
    needMiB: Math.ceil(need / MiB),
    freeMiB: Math.floor((limit - used) / MiB),
    limitMiB: Math.round(limit / MiB),
  };
}
