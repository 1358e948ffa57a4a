/*
 * What bounds each target that a run can miss, as found by profiling (node --cpu-prof on the
 * server, in-process timings, the request log by phase, heap after GC). BENCHMARKS.md prints
 * the one for every target the run misses, with this run's figures filled in.
 */
import { formatNumber, type Report } from './harness.ts';

type Explain = (figure: (key: string) => string) => string;

const INCREMENTAL: Explain = (f) =>
  'A full sync now reads 1000 invoices a call from both ends, so the same incremental run is a larger share of its ' +
  'calls. The planner (sync/incremental-plan.ts) sweeps newest first down to where the open invoices are and walks ' +
  'per status only the old ones below it; the calls left are the pages of that sweep (every open invoice, new ' +
  'one and vanished one must be read again: the open ones are spread over the newest several thousand ids) and ' +
  `one call per open status walked. Against a full sync in pages of 250 (the line "the same ÷ a full sync in pages ` +
  `of 250") it is ${f('incremental.kept.vs-250')} (B) and ${f('incremental.tight.vs-250')} (C); WHMCS's own time is ` +
  `${f('incremental.kept.whmcs')} (B) and ${f('incremental.tight.whmcs')} (C) of a full sync's.`;

const SERVING =
  (name: 'invoices' | 'changes'): Explain =>
  (f) =>
    'The bare endpoint writes a precomputed buffer; the bridge reads 501 rows from SQLite, splices their stored ' +
    'invoice JSON into the body (since 5b11e61: no JSON.parse, no re-encoding), authenticates and validates. In the ' +
    `server process without HTTP, one page takes ${f(`serve.${name}.in-process`)}, of which the store's read alone ` +
    'is many times the whole bare answer (both in the line above): no change to the HTTP layer gets near 50%. ' +
    'Before the splice, a CPU profile of GET /v1/invoices split a page into SQLite 1.4 ms, JSON.parse of two JSON ' +
    'columns 2.2 ms and JSON.stringify 0.7 ms; the splice doubled /v1/invoices throughput (15% to about 30% of ' +
    'bare). What is left is SQLite stepping 501 rows of about 700 bytes of JSON text each, and copying them into ' +
    'the body. Moving it further would take a page cache of ready-made bodies (keyed by cursor and store seq) or ' +
    'smaller stored invoices; tried and dropped, measured: parsing the raw row lazily (slower: getter objects cost ' +
    "more than the parse), and setting Cache-Control before the handler to keep node-server's fast path (no change).";

const EXPLAIN: Record<string, Explain> = {
  'full.bridge-vs-limit': () =>
    "The bridge's own work on a page (normalizing it and one synchronous SQLite transaction, its fsync at WAL " +
    'checkpoints the longest part) runs on the event loop; the look-ahead is refilled before a page is handed over, ' +
    'so that work overlaps the two calls in flight, but an answer arriving during a store write waits for it.',
  'full.naive-vs-bridge': (f) =>
    "Bounded by the latency model and the bridge's own work, measured: walking both ends in pages of 1000 with two " +
    `calls in flight, the model allows ${f('full.naive-model-vs-limit')} over the naive loop (the former default: ` +
    `${f('full.naive-model-vs-best')}), so the target needs the bridge within about 1.16× of that limit; ` +
    `the bridge took ${f('full.bridge-vs-own-calls')} the WHMCS time of its own calls (its normalizing and store ` +
    'writes on one core of a shared two-core machine, and the simulator answering in the other process).',
  'scale.own-growth': () =>
    'The store is a B-tree: each insert and the seen-run marks cost a little more as the table grows, and past the ' +
    '64 MiB page cache reads go to the disk.',
  'memory.peak': (f) =>
    'Not what the sync holds: the heap right after a major GC is ' +
    `${f('memory.live-heap.small')} at the small size and ${f('memory.live-heap.large')} at the large one, so pages ` +
    'stream through. The peak is V8 letting garbage pile up before a major GC (its default old-space growth), ' +
    "SQLite's 64 MiB page cache (sqlite.ts, sized for reads at a million rows) and the runtime and code. With a heap " +
    `cap the same sync peaks at ${f('memory.peak-capped')}, at some cost in GC time: a proposal for NODE_OPTIONS in ` +
    'the systemd unit and the Dockerfile (not changed here).',
  'incremental.kept.calls': INCREMENTAL,
  'incremental.tight.calls': INCREMENTAL,
  'serve.revenue.p50': () =>
    'Revenue reads the monthly summary that every store write keeps up to date (revenue_monthly), never the ' +
    'invoices: its time follows months × currencies × sources, and a slow answer means the machine was busy.',
  'serve.invoices.ratio': SERVING('invoices'),
  'serve.changes.ratio': SERVING('changes'),
};

/** The explanation of each missed target of this run, by figure key. */
export function explain(report: Report): Record<string, string> {
  const figure = (key: string) => {
    const f = report.get(key);
    return f ? `${formatNumber(f.value, f.digits)}${f.unit ? ` ${f.unit}` : ''}` : '(not measured)';
  };
  return Object.fromEntries(Object.entries(EXPLAIN).map(([key, text]) => [key, text(figure)]));
}
