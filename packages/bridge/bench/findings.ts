/*
 * What bounds each target that a run can miss, as found by profiling (node --cpu-prof on the
 * server, in-process timings, the request log by phase, heap after GC). BENCHMARKS.md prints
 * the one for every target the run misses, with this run's figures filled in.
 */
import { formatNumber, type Report } from './harness.ts';

type Explain = (figure: (key: string) => string) => string;

const INCREMENTAL: Explain = (f) =>
  'Measured, not argued: the line "the cheapest plan knowing the answers" (bench/incremental-bound.ts) searches, ' +
  "with the simulator's truth in hand, every sweep depth newest first, a walk of each open status below it, and " +
  'for each invoice that left the open lists below it a page of 999 rows placed exactly where it now sits in its ' +
  "status's id-ordered list (a deleted one: where it was in the all-status list, or its client's list). That " +
  `is ${f('incremental.kept.bound')} (B) and ${f('incremental.tight.bound')} (C) of a full sync's calls, the ` +
  'same calls the planner makes: the open invoices, the new ones and those that left (paid, cancelled, deleted ' +
  'drafts) are spread over the newest 9,000 (B) or 5,000 (C) ids, so pages of at most 1000 rows take 9 or 5 ' +
  'calls to read them, and Unpaid must be walked below the sweep (an invoice reopened there is in no other list). ' +
  'Per-status walks that stop early or pages placed by bisection cost more here, because every status list is as ' +
  `dense as the all-status one where the changes are. Against a full sync in pages of 250 (the line "the same ÷ a ` +
  `full sync in pages of 250") it is ${f('incremental.kept.vs-250')} (B) and ${f('incremental.tight.vs-250')} (C); ` +
  `WHMCS's own time is ${f('incremental.kept.whmcs')} (B) and ${f('incremental.tight.whmcs')} (C) of a full sync's.`;

const SERVING =
  (name: 'invoices' | 'changes'): Explain =>
  (f) =>
    'The bare endpoint writes a precomputed buffer. The bridge authenticates, validates, and answers a page body ' +
    "kept under the store's seq when one was built since the last write (api/page-cache.ts), else reads 501 rows " +
    'from SQLite (invoices: one range of the table, keyed by (source, id) since migration 11; changes: each ' +
    "source's seqs from its (source, seq) index to find where the page ends, then the page's rows) and copies " +
    "their stored JSON, as bytes, into the body (api/json-body.ts). From a walk's second page on, the next page is " +
    'built while the answer is on its way (read ahead, one page). ' +
    `In the server process without HTTP, a page not yet built takes ${f(`serve.${name}.in-process`)}. ` +
    'The autocannon connections each walk the list from its start, so they share the pages another one just built; ' +
    'a walk that never meets another pays the build on every page. On this 2-core machine autocannon, the bridge ' +
    'and whatever else runs share the cores: compare the ratio with the bare endpoint measured beside it.';

const PAGE_P99 =
  (name: 'invoices' | 'changes'): Explain =>
  (f) =>
    `Latency under 4 connections on 2 cores that autocannon shares: the bare endpoint's own p99 is in the label. ` +
    `A page not yet built costs ${f(`serve.${name}.in-process`)} in the process before HTTP. ` +
    "The bridge's p99 has stayed about twice the bare endpoint's measured beside it while the machine's own speed " +
    'moved it: on 7 December 27 and 33 ms against 14 and 10 in the morning, 52-62 ms against 22-32 in four runs ' +
    'that afternoon (the bare endpoint at 257-302 requests a second instead of 850), the bridge then answering pages ' +
    'built from stored bytes and read ahead; 49-64 ms against 22-32 in four runs that evening (the bare endpoint at ' +
    '236-330 requests a second).';

const EXPLAIN: Record<string, Explain> = {
  'full.bridge-vs-limit': (f) =>
    "Not the bridge's own work any more: its main thread used " +
    `${f('full.bridge-main-cpu')} of CPU in the sync, ${f('full.bridge-main-cpu-vs-limit')} the limit model ` +
    '(1.47× until 7 December, when a GetInvoices row was checked in full by zod and amounts and dates were read ' +
    "by regexes: a third of what the sync allocated now). What is left is each call's own path, timed per call " +
    "(7 December, 50,000 invoices, a probe timing every slot of the walk, every answer in the source's fetch and " +
    "the simulator's handler): per two slots the model's 2.13 s, the simulator's answers ready at about 2.2 s, " +
    'the bridge reading their headers at 2.36 s and their bodies at 2.40 s (the answer waiting for the event loop, ' +
    'the other process and loopback), each slot held 2.53 s (reading the page inside it), the sync 2.65-2.8 s with ' +
    'its first call alone (a refused credential costs one call) and its last read from the top. Tried and measured ' +
    'on that path, none shorter: releasing a call when its body arrives with a look-ahead of two for each end, ' +
    'store writes in slices of 250 rows instead of 1000, no store writes at all (the same wall).',
  'full.naive-vs-bridge': (f) =>
    "Bounded by the latency model and each call's own path, measured: walking both ends in pages of 1000 with two " +
    `calls in flight, the model allows ${f('full.naive-model-vs-limit')} over the naive loop (the former default: ` +
    `${f('full.naive-model-vs-best')}), so the target needs the bridge within about 1.16× of that limit; ` +
    `the bridge took ${f('full.bridge-vs-own-calls')} the WHMCS time of its own calls (see "bridge ÷ limit model": ` +
    `its main thread's CPU time was ${f('full.bridge-main-cpu-vs-limit')} the limit model).`,
  'scale.own-growth': () =>
    'The store is a B-tree: each insert and the seen-run marks cost a little more as the table grows, and past the ' +
    '8 MiB page cache reads go to the operating system.',
  'memory.peak': (f) =>
    'Not what the sync holds: the heap right after a major GC is ' +
    `${f('memory.live-heap.small')} at the small size and ${f('memory.live-heap.large')} at the large one, so pages ` +
    "stream through. With Node's defaults V8 lets garbage pile up before a major GC " +
    `(${f('memory.peak-defaults')}); the shipped flags shrink the young generation and cap the old space at 96 MB (the forecast reads columns outside the heap: see forecast-serve), and SQLite's page cache is 8 MiB. ` +
    'What is left is the runtime and its code, the live heap, the young generation and the page cache.',
  'memory.slowdown': (f) =>
    'A small young generation means more collections: each is short (the live heap is small), but they add up ' +
    'over a million invoices. The sweep in this section measures the way out in the same rounds: semi-spaces of ' +
    `2 MB (shipped until 7 December) peak at ${f('memory.sweep.0.peak')} for ${f('memory.sweep.0.ratio')}, of 8 MB at ` +
    `${f('memory.sweep.1.peak')} for ${f('memory.sweep.1.ratio')}: what the young generation gives back in time it ` +
    'costs in RSS, and no flag set measured reaches both 150 MB and 1.1x on every round (the ratios of one flag set ' +
    'ranged 1.10-1.40x over five rounds on 7 December). A smaller old space does not lower the ' +
    'peak (measured on 5 December: --max-old-space-size=72 and 64 kept it at 153-156 MB with 4 and 8 MB ' +
    'semi-spaces): the young generation, the runtime and native memory (SQLite, sockets) set it, not the old space. ' +
    'Timed on a shared machine: each ratio divides two runs of the same round.',
  'store.medium.per-invoice': () =>
    "The normalized invoice is stored as the JSON the API serves, in SQLite's binary form (JSONB since migration 17: about 545 bytes for these invoices, 658 as text), and the raw " +
    'record is derived from it (only fields the derivation does not reproduce are kept); the rest is the key, the ' +
    'columns the filters use, four indexes (source and seq, client, and the WHMCS orders by total and by status; migration 12 dropped the global seq and live-status ones) and free space in the pages. ' +
    'The walk from the top reads newest first; the store writes each page in ascending id order, so its b-tree fills as from one end (written as they came, this store took 1,346 bytes per invoice at 100,000, against 975 from one end).',
  'store.large.per-invoice': () => 'As for the store of 100,000 above.',
  'facade.p99': (f) =>
    'Each order is read once per store seq (facade/whmcs-pages.ts) and sliced; a page then looks up 250 rows by ' +
    `key. The first call in an order after a write reads the whole order (${f('facade.first')}); it is not among ` +
    'the calls the p99 is taken from. Of 200 calls per order the p99 is the second slowest (until 7 December 80 calls, the p99 the slowest). Measured on 6 December with ' +
    'the same store (a probe walking 4 orders the same way, the server traced with --trace-gc and profiled with ' +
    '--cpu-prof): no major GC during the walks (scavenges of about 2 ms), p50 9-12 ms and the slowest call 19-28 ms per ' +
    "order; in the server a page took about 4.7 ms (SQLite's look-up of 250 rows by key about 2.5, rebuilding " +
    "their raw records about 2) and encoding WHMCS's JSON about 2 ms (1.2 since the encoder's fast path, " +
    "same day), the rest HTTP and the client's own reading on the same 2 cores. Probed again on 7 December (a " +
    'server filled the same way, traced with --trace-gc, every order walked as here on an otherwise idle ' +
    'machine): p50 7.2-10.3 ms and p99 14.8-28.3 ms per order (9 of 13 over 20 ms); 40 of the 2,600 calls took ' +
    'over 20 ms, 9 of them within 50 ms of a collection (three mark-compacts of the orders kept, 8-13 ms of pause ' +
    'and 7-26 ms of incremental steps) and the rest with none near: the tail is about 2.5 times the median, so ' +
    'a p99 under 20 ms needs a call of about 7 ms, not 10.' +
    " Since 7 December evening WHMCS's JSON is written as bytes (client wire/php-json.ts): the facade's answer to a " +
    "random page in duedate order, in process with the client's reading, p50 9.8-9.9 -> 7.8-8.9 ms (three runs " +
    "each, alternating). What is left of a page is mostly SQLite's look-up of 250 rows spread over the table, each " +
    "on a 16 KB page of its own read from the OS's cache (250 random keys on a fresh connection: p50 3.9 ms; " +
    "through a memory map 1.7 ms, not taken: a map counts every page the store reads in the process's RSS, a " +
    "million-invoice forecast's column read about 800 MB), and rebuilding their raw records about 1 ms. With the " +
    'byte encoder and a walk read ahead (facade/whmcs-pages.ts) this section measured 29.5 and 38.7 ms in two runs ' +
    "the evening of 7 December (p50 of all calls 10.7 and 8.6 ms; in the second a walk's pages read ahead 7.6 ms, " +
    'calls at random offsets 9.4), against 38.4 ms (p50 13.3) that afternoon, the bare endpoint answering 286-311 ' +
    'requests a second beside them: the p99 of 200 calls (their second slowest) moves by a third from run to run ' +
    'on this machine, the median much less.',
  'serve.invoices.p99': PAGE_P99('invoices'),
  'serve.changes.p99': PAGE_P99('changes'),
  'incremental.kept.calls': INCREMENTAL,
  'incremental.tight.calls': INCREMENTAL,
  'serve.revenue.p50': () =>
    'Revenue reads the monthly summary that every store write keeps up to date (revenue_monthly), never the ' +
    'invoices: its time follows months × currencies × sources, and a slow answer means the machine was busy.',
  'steady.sync.over-1s': (f) =>
    'Node 20 accepts one connection per turn of its event loop (libuv 1.45), so connections opened at once get in ' +
    "only as fast as the loop turns. Requests take turns (at most 4 ms of them per turn, in arrival order) and a sync's " +
    'slices (50 rows, each write its own transaction) make way while requests wait or connections come in, taking ' +
    "one slice anyway after 50 ms (src/bounded-work.ts). What remains is the API's own saturation on 2 shared " +
    `cores: without a sync ${f('steady.quiet.over-1s')} answers took over 1 s (p99 ${f('steady.quiet.p99')}); the ` +
    `bridge process's longest event-loop stall was ${f('steady.sync.loop-stall')} with a sync and ` +
    `${f('steady.quiet.loop-stall')} without.`,
  'steady.p99-ratio': (f) =>
    'With 200 connections the API is saturated, so latency grows with the CPU the sync takes from it: its own ' +
    'normalizing and writing, and the simulator in the other process on the same 2 cores. The longest event-loop ' +
    `stall: ${f('steady.sync.loop-stall')} with a sync, ${f('steady.quiet.loop-stall')} without.`,
  'store-write.store': (f) =>
    "The store's own invoices table with the indexes its reads use (store/query-plans.test.ts), filled by " +
    "better-sqlite3 with the store's insert statement and nothing else, in transactions of the same size, takes " +
    `${f('store-write.layout')} (CPU time in its label): the bound of this layout in transactions of a page (1000 rows: ` +
    `a sync's slices while no request comes; 50 while the API is in use, src/bounded-work.ts, issue 17 item 6). The store reaches ${f('store-write.vs-layout')} of it in CPU time; ` +
    'the rest is its own work: the revenue summary, the comparison with the stored rows, the raw-record columns ' +
    `and the checks. The same JSON keyed by (source, id) and nothing else takes ${f('store-write.bare')}: the ` +
    'secondary indexes make most of the difference (a row in a random place of the client and total indexes ' +
    'dirties a page of each, which every commit writes to the WAL), and the reads need them. Measured on 6 December ' +
    '(100,000 and 1,000,000 rows into this table, throwaway script): each of those two indexes alone took the bare ' +
    'table from about 160,000 to 107,000-114,000 rows/s, the seq and status ones (appended at their ends) to 127,000-151,000; ' +
    'transactions of 1000 instead of 500 gave 1.26× (1.24× at 1,000,000) and a checkpoint every 2000 WAL pages ' +
    "instead of SQLite's 1000 1.2× more (1.09×), both now the store's; at 1,000,000 invoices the same layout " +
    'takes about 31,000 rows/s, each commit of 1000 rows writing some 1,200 index pages of 16 KiB.',
  'store-write.per-invoice': (f) =>
    'The bare table of the same JSON (as text) and the layout alone are given in the label: the served JSON (about 545 ' +
    'bytes as JSONB) is most of it; the store adds the filter columns and the secondary indexes its reads use (about 70 ' +
    'bytes), and a raw-record patch only where a record differs from its derivation (WHMCS 8 records mostly do ' +
    `not; records sent as strings, as before 7.x, add about 80 bytes). ${f('store-write.per-invoice')} in all: ` +
    'under 900 needs a smaller served JSON, or fewer filter columns or indexes than the reads use.',
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
