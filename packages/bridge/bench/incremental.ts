/*
 * 2. Incremental sync: after 1% of the invoices change, the WHMCS calls and rows an
 * incremental sync makes against a full sync's (counted from the simulator's request log),
 * and whether the store then holds exactly what incremental promises. Runs in this process
 * (the simulator's mutations and its data are needed); the latency model is on.
 */
import { isDeepStrictEqual } from 'node:util';
import { normalizeInvoice } from '@forecaster/whmcs-client';
import { type SimInvoice, serveWhmcsSimulator, type WhmcsSimulator } from '@forecaster/whmcs-sim';
import { createBridge } from '../src/bridge.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { Store } from '../src/store/types.ts';
import type { Latency } from './cost-model.ts';
import { callCost } from './cost-model.ts';
import { type Context, formatNumber, prng, sleep, tempDir } from './harness.ts';
import { cheapestPlan, type InvoiceState } from './incremental-bound.ts';

export const SECTION = '2. Incremental sync';

export interface IncrementalParams {
  invoices: number;
  latency: Latency;
  /** Share of the invoices that change between two syncs. */
  changeShare: number;
  /** Before each further scenario, open invoices due longer ago than this many days are cancelled. */
  housekeepingDays: number[];
}

const OPEN = new Set(['Unpaid', 'Payment Pending', 'Collections', 'Draft']);
const SOURCE = 'whmcs';

const SLOTS = ['kept', 'tight'];

interface Cost {
  calls: number;
  rows: number;
  whmcsMs: number;
}

function costOf(sim: WhmcsSimulator, latency: Latency): Cost {
  const cost: Cost = { calls: 0, rows: 0, whmcsMs: 0 };
  for (const entry of sim.requests) {
    if (entry.action !== 'getinvoices') continue;
    cost.calls++;
    cost.rows += entry.rows ?? 0;
    cost.whmcsMs += callCost(latency, entry.rows ?? 0, Number(entry.params.limitstart ?? 0) || 0);
  }
  return cost;
}

function boundText(plan: ReturnType<typeof cheapestPlan>): string {
  const parts = Object.entries(plan.parts).map(([part, calls]) => {
    const [kind, status] = part.split(':');
    if (kind === 'walk') return `${calls} walking ${status} below`;
    if (kind === 'found') return `${calls} placed in ${status}`;
    return `${calls} proving deleted ones gone`;
  });
  return [`${plan.sweep} sweeping newest first`, ...parts].join(', ');
}

/** The run's calls by phase, as its record has them: the sweep, each status walked, the look-ups. */
function phaseText(by: Record<string, number> | undefined): string {
  const name = (phase: string) =>
    phase === 'new'
      ? 'sweeping newest first'
      : phase === 'vanished'
        ? 'sweeping on down for invoices that left the open lists'
        : phase === 'vanished:client'
          ? 'by client'
          : phase.startsWith('open:')
            ? `walking ${phase.slice(5)}`
            : phase;
  const order = (phase: string) =>
    phase === 'new' ? 0 : phase.startsWith('open:') ? 1 : phase === 'vanished' ? 2 : 3;
  return Object.entries(by ?? {})
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([phase, calls]) => `${calls} ${name(phase)}`)
    .join(', ');
}

function statesOf(sim: WhmcsSimulator): Map<number, InvoiceState> {
  const states = new Map<number, InvoiceState>();
  for (const invoice of sim.visibleInvoices())
    states.set(invoice.id, { status: invoice.status, userid: invoice.userid });
  return states;
}

function openShare(sim: WhmcsSimulator): { open: number; visible: number } {
  let open = 0;
  let visible = 0;
  for (const invoice of sim.visibleInvoices()) {
    visible++;
    if (OPEN.has(invoice.status)) open++;
  }
  return { open, visible };
}

interface ChangeSet {
  added: number;
  paid: number;
  cancelled: number;
  refunded: number;
  deleted: number;
  /** Paid invoices refunded: final invoices, left to the next full sync by design. */
  refundedBefore: Map<number, Record<string, unknown>>;
}

/**
 * Changes `share` of the invoices the way a billing system does: new invoices, payments and
 * cancellations of open ones (80% among the newest quarter: open invoices are mostly recent),
 * refunds of recent paid ones, and deleted drafts.
 */
export function applyChanges(sim: WhmcsSimulator, share: number, seed: number): ChangeSet {
  const random = prng(seed);
  const all = [...sim.visibleInvoices()];
  const total = Math.max(10, Math.round(all.length * share));
  const taken = new Set<number>();
  const pick = (candidates: SimInvoice[], count: number): SimInvoice[] => {
    const recent = candidates.slice(Math.floor(candidates.length * 0.75));
    const older = candidates.slice(0, Math.floor(candidates.length * 0.75));
    const out: SimInvoice[] = [];
    for (let tries = 0; out.length < count && tries < count * 20; tries++) {
      const from = random() < 0.8 || older.length === 0 ? recent : older;
      const invoice = from[Math.floor(random() * from.length)];
      if (!invoice || taken.has(invoice.id)) continue;
      taken.add(invoice.id);
      out.push(invoice);
    }
    return out;
  };
  const payable = all.filter((i) => ['Unpaid', 'Payment Pending', 'Collections'].includes(i.status));
  const cancellable = all.filter((i) => i.status === 'Unpaid' || i.status === 'Draft');
  const paidOnes = all.filter((i) => i.status === 'Paid');
  const drafts = all.filter((i) => i.status === 'Draft');
  const set: ChangeSet = {
    added: 0,
    paid: 0,
    cancelled: 0,
    refunded: 0,
    deleted: 0,
    refundedBefore: new Map(),
  };
  for (const invoice of pick(payable, Math.round(total * 0.35))) {
    sim.payInvoice(invoice.id);
    set.paid++;
  }
  for (const invoice of pick(cancellable, Math.round(total * 0.1))) {
    sim.cancelInvoice(invoice.id);
    set.cancelled++;
  }
  for (const invoice of pick(paidOnes, Math.round(total * 0.1))) {
    set.refundedBefore.set(invoice.id, sim.toWire(invoice));
    sim.refundInvoice(invoice.id);
    set.refunded++;
  }
  for (const invoice of pick(drafts, Math.round(total * 0.05))) {
    sim.deleteInvoice(invoice.id);
    set.deleted++;
  }
  const clients = [...sim.clients.keys()];
  const adding = total - set.paid - set.cancelled - set.refunded - set.deleted;
  for (let i = 0; i < adding; i++) {
    const cents = 500 + Math.floor(random() * 20_000);
    sim.addInvoice({
      userid: clients[Math.floor(random() * clients.length)]!,
      subtotal: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
    });
    set.added++;
  }
  return set;
}

/**
 * Invoices where the store differs from the simulator. A refunded invoice may still hold what
 * was synced before its refund (incremental leaves final invoices to the next full sync), or
 * the refund when a walk over the newest ids happened to read it again.
 */
async function mismatches(
  store: Store,
  sim: WhmcsSimulator,
  leftToFull: ReadonlyMap<number, Record<string, unknown>>,
): Promise<number> {
  const live = new Map<number, { raw: unknown; invoice: unknown }>();
  let after: { source: string; id: number } | undefined;
  for (;;) {
    const page = await store.listInvoices({ sources: [SOURCE] }, after, 1000);
    if (page.length === 0) break;
    for (const row of page) live.set(row.invoice.id, row);
    const last = page.at(-1)!;
    after = { source: SOURCE, id: last.invoice.id };
  }
  let wrong = 0;
  for (const invoice of sim.visibleInvoices()) {
    const stored = live.get(invoice.id);
    live.delete(invoice.id);
    const exact = (wire: Record<string, unknown>) =>
      stored !== undefined &&
      isDeepStrictEqual(stored.raw, wire) &&
      isDeepStrictEqual(stored.invoice, normalizeInvoice(wire as never, { source: SOURCE, timeZone: 'UTC' }));
    const before = leftToFull.get(invoice.id);
    if (!exact(sim.toWire(invoice)) && !(before && exact(before))) wrong++;
  }
  return wrong + live.size; // live rows the simulator no longer has are wrong too
}

export async function measureIncremental(ctx: Context, params: IncrementalParams): Promise<void> {
  const { report, log } = ctx;
  const { latency } = params;
  const secret = `bench-${Math.random().toString(36).slice(2)}`;
  const served = await serveWhmcsSimulator({
    invoices: params.invoices,
    clients: Math.max(50, Math.round(params.invoices / 200)),
    seed: 11,
    latency,
    credentials: [{ identifier: 'bench', secret, actions: ['GetInvoices'] }],
    allowlist: ['127.0.0.1'],
  });
  const { sim } = served;
  const config = loadConfig({
    env: { BENCH_WHMCS_SECRET: secret },
    fallback: {
      dataDir: tempDir(),
      sources: [
        {
          id: SOURCE,
          url: served.url,
          credentials: { identifier: 'bench', secret: { env: 'BENCH_WHMCS_SECRET' } },
        },
      ],
    },
  });
  const bridge = await createBridge(config, { logger: createLogger({ level: 'silent' }) });
  const run = async (mode: 'full' | 'incremental') => {
    sim.clearRequests();
    const result = await bridge.engine.run(SOURCE, mode);
    if (result.result !== 'ok')
      throw new Error(`${mode} sync ended ${result.result}: ${result.error?.message}`);
    // A look-ahead page still on its way belongs to this run, not the next.
    for (let seen = -1; seen !== sim.requests.length || sim.requests.some((r) => r.status === 0); ) {
      seen = sim.requests.length;
      await sleep(50);
    }
    return { result, cost: costOf(sim, latency) };
  };

  try {
    const full = await run('full');
    log(`  full sync: ${full.cost.calls} calls`);
    report.param(SECTION, 'invoices', formatNumber(openShare(sim).visible));
    report.param(
      SECTION,
      'changes',
      `${params.changeShare * 100}% of the invoices before each incremental sync: 40% new, 35% paid, 10% cancelled (open ones, 80% among the newest quarter), 10% refunded (paid ones), 5% deleted drafts`,
    );
    report.param(
      SECTION,
      'scenarios',
      `A: as seeded (old unpaid invoices pile up); then open invoices due over ${params.housekeepingDays.join(', then ')} days ago are cancelled, as WHMCS's automation does (B, C)`,
    );

    // Refunds stay as they were synced until the next full sync, whichever scenario made them.
    const leftToFull = new Map<number, Record<string, unknown>>();
    const scenario = async (seed: number) => {
      const { open, visible } = openShare(sim);
      const before = statesOf(sim);
      const changes = applyChanges(sim, params.changeShare, seed);
      // Pages of 999 rows: a walk asks for one more, overlapping the last row (page-sizer.ts).
      const bound = cheapestPlan(before, statesOf(sim), 999);
      for (const [id, wire] of changes.refundedBefore) leftToFull.set(id, wire);
      // A full sync as the bridge made it before (one end, pages of 250), for comparison.
      const formerFullCalls = Math.ceil(visible / 250) + 1;
      const incremental = await run('incremental');
      const wrong = await mismatches(bridge.store, sim, leftToFull);
      const c = incremental.cost;
      log(
        `  incremental (${formatNumber((open / visible) * 100)}% open): ${c.calls} calls (by phase: ${phaseText(incremental.result.callsByPhase)}), ${formatNumber(c.rows)} rows, ${wrong} wrong; knowing the answers: ${bound.calls} (${boundText(bound)})`,
      );
      return { open: open / visible, changes, incremental, wrong, formerFullCalls, bound };
    };
    /** Cancels open invoices due before `days` ago, synced by an incremental run not measured. */
    const housekeeping = async (days: number) => {
      const cutoff = new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
      for (const invoice of [...sim.visibleInvoices()]) {
        if (OPEN.has(invoice.status) && (invoice.duedate ?? '0000') < cutoff) sim.cancelInvoice(invoice.id);
      }
      await run('incremental');
    };

    const scenarios: Array<[slot: string, name: string, result: Awaited<ReturnType<typeof scenario>>]> = [
      ['seeded', 'A, as seeded', await scenario(1)],
    ];
    for (const [i, days] of params.housekeepingDays.entries()) {
      await housekeeping(days);
      scenarios.push([
        SLOTS[i]!,
        `${'BC'[i]}, open ones due over ${days} days ago cancelled`,
        await scenario(2 + i),
      ]);
    }
    const fullAfter = await run('full');
    const wrongAfterFull = await mismatches(bridge.store, sim, new Map());
    log(`  full sync after: ${fullAfter.cost.calls} calls, ${wrongAfterFull} wrong`);

    for (const [slot, what, s] of scenarios) {
      const reference = slot === 'seeded' ? full : fullAfter;
      const cost = s.incremental.cost;
      report.add({
        key: `incremental.${slot}.open-share`,
        section: SECTION,
        label: `${what}: open invoices (draft, unpaid, payment pending, collections)`,
        value: s.open * 100,
        unit: '%',
      });
      report.add({
        key: `incremental.${slot}.calls`,
        section: SECTION,
        label: `${what}: incremental calls ÷ full sync calls (${cost.calls} ÷ ${reference.cost.calls}; by phase: ${phaseText(s.incremental.result.callsByPhase)})`,
        value: (cost.calls / reference.cost.calls) * 100,
        unit: '%',
        ...(slot === 'seeded' ? {} : { target: { op: '<=' as const, limit: 5 } }),
      });
      report.add({
        key: `incremental.${slot}.bound`,
        section: SECTION,
        label: `${what}: the cheapest plan knowing the answers ÷ full sync calls (${s.bound.calls} ÷ ${reference.cost.calls}: ${boundText(s.bound)}; incremental-bound.ts)`,
        value: (s.bound.calls / reference.cost.calls) * 100,
        unit: '%',
      });
      report.add({
        key: `incremental.${slot}.vs-250`,
        section: SECTION,
        label: `${what}: the same ÷ a full sync in pages of 250 from one end (the former default: ${s.formerFullCalls} calls, computed)`,
        value: (cost.calls / s.formerFullCalls) * 100,
        unit: '%',
      });
      report.add({
        key: `incremental.${slot}.rows`,
        section: SECTION,
        label: `${what}: incremental rows ÷ full sync rows (${formatNumber(cost.rows)} ÷ ${formatNumber(reference.cost.rows)})`,
        value: (cost.rows / reference.cost.rows) * 100,
        unit: '%',
      });
      report.add({
        key: `incremental.${slot}.whmcs`,
        section: SECTION,
        label: `${what}: incremental WHMCS time ÷ full sync's (model, all calls summed)`,
        value: (cost.whmcsMs / reference.cost.whmcsMs) * 100,
        unit: '%',
      });
      report.add({
        key: `incremental.${slot}.wrong`,
        section: SECTION,
        label: `${what}: invoices wrong in the store after it (refunds of paid invoices excepted, by design)`,
        value: s.wrong,
        unit: '',
        target: { op: '==', limit: 0 },
      });
    }
    report.add({
      key: 'incremental.full-after.wrong',
      section: SECTION,
      label: 'invoices wrong after the next full sync (refunds included)',
      value: wrongAfterFull,
      unit: '',
      target: { op: '==', limit: 0 },
    });
    const c = scenarios[1]![2].changes;
    report.note(
      SECTION,
      `Each scenario changes about ${formatNumber(c.added + c.paid + c.cancelled + c.refunded + c.deleted)} invoices (B: ${c.added} new, ${c.paid} paid, ${c.cancelled} cancelled, ${c.refunded} refunded, ${c.deleted} deleted). ` +
        'An incremental run sweeps newest first over every status down to a floor its planner picks from the ' +
        "store's counts (new invoices, every open one above it and wherever it went), walks each open status below " +
        'the floor up to it, and looks for the rest by client or by sweeping on: its cost follows the open share and ' +
        'how far back open invoices reach, not the number of changes. The first page of each status walked below the ' +
        "floor tells, by WHMCS's count, how many of its invoices left it; when finding them would cost more than " +
        'sweeping on down to the oldest id, the run stops walking and sweeps on (A, whose old open invoices are spread ' +
        'over every id, and whose first run after a full sync can only guess that none left). ' +
        'The line "the cheapest plan knowing the answers" is the fewest calls of any plan of that family, searched ' +
        "with the simulator's truth in hand, with pages placed exactly where each invoice that left now sits in its " +
        "status's id-ordered list (what bisection with single-row pages would find, for free) " +
        '(bench/incremental-bound.ts): the bound of this approach in each world. ' +
        'Its pages sit at the top of the list, where offsets are short, so its WHMCS time is a smaller share than its calls.',
    );
  } finally {
    await bridge.close();
    await served.close();
  }
}
