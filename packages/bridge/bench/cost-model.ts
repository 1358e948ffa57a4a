/*
 * The simulator's latency model (whmcs-sim `latency`), as arithmetic: what WHMCS itself costs
 * for a call, and the least time a walk over every invoice can take under it. The simulator
 * takes this long on each GetInvoices call (its own work on the call counted toward it, slept the
 * rest; until 7 December 2026 it slept all of it on top: 0.13-0.15 s more per 2 slots in a full
 * sync of 50,000 invoices), so the model and the run agree.
 */

/** The simulator's knobs, in milliseconds. */
export interface Latency {
  /** Every api.php call (WHMCS bootstraps on each one). */
  perCallMs: number;
  /** Every row a GetInvoices page returns. */
  perRowMs: number;
  /** Every row a GetInvoices call skips with limitstart (MySQL scans the offset). */
  perSkippedRowMs: number;
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');

export const NO_LATENCY: Latency = { perCallMs: 0, perRowMs: 0, perSkippedRowMs: 0 };

/** What one GetInvoices call costs WHMCS. */
export function callCost(latency: Latency, rows: number, skipped: number): number {
  return latency.perCallMs + latency.perRowMs * rows + latency.perSkippedRowMs * skipped;
}

export interface WalkCost {
  calls: number;
  /** The sum of every call's cost: its per-call, per-row and offset terms. */
  workMs: number;
  terms: { callsMs: number; rowsMs: number; offsetsMs: number };
  /** The costliest single call (the last page of an offset walk). */
  lastCallMs: number;
}

/** Reading `rows` rows from one end of the list, in pages of `pageSize` at offsets 0, P, 2P, ... */
export function offsetWalk(latency: Latency, rows: number, pageSize: number): WalkCost {
  const calls = Math.max(1, Math.ceil(rows / pageSize));
  const terms = {
    callsMs: calls * latency.perCallMs,
    rowsMs: rows * latency.perRowMs,
    offsetsMs: latency.perSkippedRowMs * pageSize * ((calls * (calls - 1)) / 2),
  };
  const workMs = terms.callsMs + terms.rowsMs + terms.offsetsMs;
  const lastRows = rows - (calls - 1) * pageSize;
  return { calls, workMs, terms, lastCallMs: callCost(latency, lastRows, (calls - 1) * pageSize) };
}

export interface LimitModel {
  name: string;
  formula: string;
  /** The formula with this case's numbers. */
  worked: string;
  calls: number;
  /** WHMCS's own time: the least wall time this way of reading allows. */
  ms: number;
}

/**
 * The limit model: every invoice read once, from one end, with at most `concurrency` pages in
 * flight. No schedule beats the total work spread evenly over the slots, nor the last call.
 */
export function oneWayLimit(
  latency: Latency,
  rows: number,
  pageSize: number,
  concurrency: number,
): LimitModel {
  const walk = offsetWalk(latency, rows, pageSize);
  const ms = Math.max(walk.workMs / concurrency, walk.lastCallMs);
  const { callsMs, rowsMs, offsetsMs } = walk.terms;
  return {
    name: `one end, pages of ${pageSize}, ${concurrency} in flight`,
    formula: 'T = max(W / c, last call), W = n·perCall + N·perRow + perSkip·P·n(n-1)/2, n = ceil(N/P)',
    worked:
      `N = ${int(rows)}, P = ${pageSize}, c = ${concurrency}, n = ${int(walk.calls)}: W = ${int(callsMs)} + ` +
      `${int(rowsMs)} + ${int(offsetsMs)} = ${int(walk.workMs)} ms, last call ${int(walk.lastCallMs)} ms, ` +
      `T = ${int(ms)} ms`,
    calls: walk.calls,
    ms,
  };
}

/**
 * Both ends at once (ascending and descending by id, meeting in the middle): every offset is
 * at most half the list, so the offset scans cost about half of the one-way walk's.
 */
export function twoEndedLimit(
  latency: Latency,
  rows: number,
  pageSize: number,
  concurrency: number,
): LimitModel {
  const low = offsetWalk(latency, Math.ceil(rows / 2), pageSize);
  const high = offsetWalk(latency, Math.floor(rows / 2), pageSize);
  const workMs = low.workMs + high.workMs;
  const ms = Math.max(workMs / concurrency, low.lastCallMs, high.lastCallMs);
  return {
    name: `both ends, pages of ${pageSize}, ${concurrency} in flight`,
    formula: 'T = max((W(ceil(N/2)) + W(floor(N/2))) / c, last call), W as one end',
    worked: `W = ${int(workMs)} ms, T = ${int(ms)} ms`,
    calls: low.calls + high.calls,
    ms,
  };
}

/** WHMCS's time for calls that were really made, spread evenly over `concurrency` slots. */
export function modelledTime(
  latency: Latency,
  calls: ReadonlyArray<{ rows: number; skipped: number }>,
  concurrency: number,
): number {
  let work = 0;
  let longest = 0;
  for (const call of calls) {
    const cost = callCost(latency, call.rows, call.skipped);
    work += cost;
    longest = Math.max(longest, cost);
  }
  return Math.max(work / concurrency, longest);
}
