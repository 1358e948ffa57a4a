import { getHeapStatistics } from 'node:v8';

/*
 * The exact figures (/v1/receivables, /v1/payment-behaviour, /v1/revenue/figures) read every live
 * invoice as an object with bigint amounts (ledger-cache.ts): about 1.4 KB of heap each (measured:
 * 288 MB for 200,000). The bridge is started with a 96 MB heap (scripts/bundle.ts NODE_FLAGS), so
 * past about 50,000 invoices building that ledger ran the process out of memory, killing the API
 * and any sync with it. It now answers 503 with what it needs instead; the forecast and
 * /v1/revenue read columns or SQL and are not bounded by this.
 */

/** Heap bytes the object ledger takes per invoice (1.4 KB measured, rounded up). */
export const LEDGER_BYTES_PER_INVOICE = 1_500;

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
