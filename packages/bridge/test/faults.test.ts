import { join } from 'node:path';
import type { FaultKind, FaultRequest, WhmcsSimulator } from '@forecaster/whmcs-sim';
import { describe, expect, it } from 'vitest';
import { sourceResponseSchema } from '../src/api/index.ts';
import type { Bridge } from '../src/bridge.ts';
import { rebuildRaw } from '../src/store/raw-record.ts';
import type { SyncMode } from '../src/store/types.ts';
import { expectStoreEqualsSim, type SimSource, simSource } from './harness.ts';
import {
  AUTH,
  integrityCheck,
  listedInvoices,
  openBridge,
  prng,
  queryStore,
  reliabilityConfig,
  sleep,
} from './reliability-support.ts';

/*
 * WHMCS failing in every way the simulator can: each fault is injected into a sync over
 * loopback, and the outcome is checked against the simulator's data. Either the sync rides the
 * fault out and ends exactly equal to WHMCS, or it stops with the source `failing` under the
 * right code; either way no invoice the Forecaster could see disappears, nothing is listed
 * twice, every committed page is whole, and the next sync after the fault clears is exact.
 */

const PAGE = 40;
/** The full sync's walks: up from the oldest id alone, and from both ends (the default). */
type Walk = 'one-end' | 'both-ends';
const INVOICES = 360;
/**
 * Pages in the middle of the walk are faulty. (Not those past the end: with two pages in flight,
 * a walk's last look-ahead request can reach WHMCS after the walk ended, and must not take the fault.)
 * From both ends, pages each end reads before they meet (each end's 3rd and 4th page, of about
 * 180 rows each): a page at the meeting may be aborted unread when the other end met first.
 */
const midOf = (walk: Walk) => (r: FaultRequest) => {
  const start = Number(r.params.limitstart ?? 0);
  const [from, to] = walk === 'one-end' ? [150, 300] : [60, 150];
  return r.action === 'getinvoices' && start >= from && start < to;
};
/**
 * The incremental sync's walks over open invoices: the walk of Unpaid invoices, or the sweep
 * newest first over every status, whichever its planner chose for the open ones.
 */
const unpaidWalk = (r: FaultRequest) =>
  r.action === 'getinvoices' &&
  (r.params.status === 'Unpaid' || (r.params.order === 'desc' && !r.params.status && !r.params.userid));

/** The readers poll /v1/invoices for as long as a sync lasts: far past the default rate limit. */
const UNLIMITED = { rateLimit: { requestsPerMinute: 1_000_000 } };

interface Setup {
  eu: SimSource;
  sim: WhmcsSimulator;
  bridge: Bridge;
  dbPath: string;
}

async function synced(seed: number, walk: Walk = 'one-end'): Promise<Setup> {
  const eu = await simSource('eu', { seed, invoices: INVOICES, clients: 30 });
  // Fixed pages: the checks below read the committed rows as what each end walked, page by page,
  // and the faults sit at offsets both walks reach (each end reads about half the list).
  const { file, env, dataDir } = reliabilityConfig(
    [eu],
    { pageSize: PAGE, timeoutMs: 1000, sync: { fullWalk: walk, maxPageSize: PAGE } },
    UNLIMITED,
  );
  const bridge = await openBridge(file, env);
  expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
  return { eu, sim: eu.served.sim, bridge, dbPath: join(dataDir, 'bridge.sqlite') };
}

/** Changes a sync of this mode must pick up: new, paid and edited invoices (and a refund for a full one). */
function changeWhmcs(sim: WhmcsSimulator, mode: SyncMode): void {
  const all = [...sim.visibleInvoices()];
  const unpaid = all.filter((i) => i.status === 'Unpaid');
  sim.payInvoice(unpaid[0]!.id);
  sim.payInvoice(unpaid.at(-1)!.id);
  sim.updateInvoice(unpaid[1]!.id, { notes: 'changed while the bridge was away' });
  sim.addInvoice();
  sim.addInvoice({ status: 'Paid' });
  if (mode === 'full') sim.refundInvoice(all.find((i) => i.status === 'Paid')!.id);
}

/** Reads /v1/invoices over and over until `running` settles; every read must hold every id of `before`. */
async function watch(bridge: Bridge, running: Promise<unknown>, before: Set<number>): Promise<number> {
  let done = false;
  void running.finally(() => (done = true));
  let reads = 0;
  do {
    const listed = await listedInvoices(bridge.app, 1000);
    const ids = new Set(listed.map((i) => i.id));
    expect(ids.size).toBe(listed.length);
    expect(
      [...before].filter((id) => !ids.has(id)),
      'invoices the Forecaster lost',
    ).toEqual([]);
    reads++;
    await sleep(3);
  } while (!done);
  return reads;
}

async function sourceView(bridge: Bridge) {
  const res = await bridge.app.request('/v1/sources/eu', { headers: AUTH });
  expect(res.status).toBe(200);
  return sourceResponseSchema.parse(await res.json()).data;
}

/** Each stored invoice's raw WHMCS record, as JSON (the store keeps a patch over the normalized row). */
function storedRaw(s: Setup): Map<number, string> {
  const rows = queryStore<{ id: number; data: string; raw: string | null; raw_full: number }>(
    s.dbPath,
    'SELECT id, json(data) AS data, raw, raw_full FROM invoices WHERE source = ?',
    'eu',
  );
  return new Map(rows.map((r) => [r.id, JSON.stringify(rebuildRaw(r.data, r.raw, r.raw_full))]));
}

/** Every stored row is either what it was before the sync or what WHMCS holds now: nothing else. */
function expectRowsOldOrNew(s: Setup, before: Map<number, string>): void {
  for (const [id, raw] of storedRaw(s)) {
    const now = s.sim.invoice(id);
    const current = now ? JSON.stringify(s.sim.toWire(now)) : undefined;
    expect(raw === before.get(id) || raw === current, `invoice ${id}`).toBe(true);
  }
}

/**
 * A failed full run's committed pages are exactly what its walk read, page by page, and the
 * checkpoint says how far: a prefix of the list (the walk up), and from both ends a suffix too
 * (the walk down, from the newest id it began at).
 */
async function expectWholePages(s: Setup): Promise<void> {
  const checkpoint = (await s.bridge.store.getSource('eu'))?.checkpoint;
  if (!checkpoint) return;
  const seen = queryStore<{ id: number }>(
    s.dbPath,
    'SELECT id FROM invoices WHERE source = ? AND seen_run = ? ORDER BY id',
    'eu',
    checkpoint.runId,
  ).map((r) => r.id);
  const walk = [...s.sim.visibleInvoices()].map((i) => i.id);
  const ends = checkpoint.state?.bothEnds as { low?: { id: number }; high?: { id: number } } | undefined;
  const low = ends ? (ends.low?.id ?? 0) : (checkpoint.anchor?.id ?? 0);
  const high = ends?.high?.id ?? Number.POSITIVE_INFINITY;
  expect(seen.length).toBe(checkpoint.rowsDone);
  expect(seen).toEqual(walk.filter((id) => id <= low || id >= high));
  expect(seen.length).toBeGreaterThanOrEqual(PAGE);
  expect(checkpoint.rowsDone % PAGE).toBe(0);
}

type Outcome = 'ok' | 'http_error' | 'timeout' | 'network' | 'invalid_response';

interface FaultCase {
  name: string;
  kind: FaultKind;
  delayMs?: number;
  /** Once (`times: 1`): what the client's retry policy makes of a passing fault. */
  once: Outcome;
  /** Until cleared. */
  always: Outcome;
}

// The retry policy (packages/client/src/retry.ts) retries timeouts, dropped connections and
// 502/503/504, four attempts in all; a 500 (usually PHP out of memory on that same page), a WAF's
// 403 and an unreadable body are not retried.
const CASES: FaultCase[] = [
  { name: 'HTML 500 page', kind: 'html500', once: 'http_error', always: 'http_error' },
  { name: 'HTML 502 page', kind: 'html502', once: 'ok', always: 'http_error' },
  { name: 'HTML 504 page', kind: 'html504', once: 'ok', always: 'http_error' },
  { name: "a WAF's HTML 403", kind: 'waf403', once: 'http_error', always: 'http_error' },
  { name: 'a hang past the timeout', kind: 'hang', once: 'ok', always: 'timeout' },
  { name: 'truncated JSON', kind: 'truncated', once: 'invalid_response', always: 'invalid_response' },
  { name: 'invalid UTF-8', kind: 'invalid-utf8', once: 'invalid_response', always: 'invalid_response' },
  { name: 'a reset connection', kind: 'reset', once: 'ok', always: 'network' },
  { name: 'a slow page (300 ms, within the timeout)', kind: 'slow', delayMs: 300, once: 'ok', always: 'ok' },
  {
    name: 'a very slow page (1.5 s, past the timeout)',
    kind: 'slow',
    delayMs: 1500,
    once: 'ok',
    always: 'timeout',
  },
];

async function faultySync(
  s: Setup,
  mode: SyncMode,
  rule: { kind: FaultKind; delayMs?: number; times?: number; match: (r: FaultRequest) => boolean },
  expected: Outcome,
): Promise<void> {
  const { sim, bridge } = s;
  changeWhmcs(sim, mode);
  const listed = await listedInvoices(bridge.app);
  const before = new Set(listed.map((i) => i.id));
  const beforeRaw = storedRaw(s);
  sim.clearRequests();
  sim.faults.add({ ...rule });
  const running = bridge.engine.run('eu', mode);
  const reads = await watch(bridge, running, before);
  const run = await running;
  expect(reads).toBeGreaterThan(0);
  expect(sim.requests.some((r) => r.fault === rule.kind)).toBe(true);

  if (expected === 'ok') {
    expect(run.result, JSON.stringify(run.error)).toBe('ok');
    await expectStoreEqualsSim(bridge.store, s.eu);
    expect((await sourceView(bridge)).state).toBe('ok');
  } else {
    expect(run.result).toBe('failed');
    expect(run.error?.code).toBe(expected);
    const view = await sourceView(bridge);
    expect(view.state).toBe('failing');
    expect(view.lastError?.code).toBe(expected);
    expect(view.lastError?.hint.length).toBeGreaterThan(10);
    expectRowsOldOrNew(s, beforeRaw);
    if (mode === 'full') await expectWholePages(s);
  }
  // Still listed after it, whatever happened.
  const after = new Set((await listedInvoices(bridge.app)).map((i) => i.id));
  expect([...before].filter((id) => !after.has(id))).toEqual([]);

  // The fault clears: the next sync is exact.
  sim.faults.clear();
  const next = await bridge.engine.run('eu', 'full');
  expect(next.result).toBe('ok');
  await expectStoreEqualsSim(bridge.store, s.eu);
  expect((await sourceView(bridge)).state).toBe('ok');
  expect(integrityCheck(s.dbPath)).toBe('ok');
}

describe.each(['one-end', 'both-ends'] as const)('faults during a full sync (walk: %s)', (walk) => {
  for (const [i, c] of CASES.entries()) {
    it(`${c.name}, once: ${c.once}`, async () => {
      const s = await synced(100 + i, walk);
      await faultySync(s, 'full', { kind: c.kind, delayMs: c.delayMs, times: 1, match: midOf(walk) }, c.once);
    });
    it(`${c.name}, until it clears: ${c.always}`, async () => {
      const s = await synced(200 + i, walk);
      await faultySync(s, 'full', { kind: c.kind, delayMs: c.delayMs, match: midOf(walk) }, c.always);
      // Retried faults get the policy's four attempts on the faulty page (two pages are in
      // flight at once: one per end from both ends); the others stop the walk at the first.
      const faulted = s.sim.requests.filter((r) => r.fault).length;
      if (c.always === 'ok') expect(faulted).toBeGreaterThan(1);
      else if (c.once === 'ok') expect(faulted).toBeGreaterThanOrEqual(4);
      else expect(faulted).toBeLessThanOrEqual(2);
      if (c.always !== 'ok') expect(faulted).toBeLessThanOrEqual(8);
      // From both ends, a fault the walk rides out is met by each end (the matrix covers the walk down).
      if (walk === 'both-ends' && c.always === 'ok') {
        const orders = new Set(s.sim.requests.filter((r) => r.fault).map((r) => r.params.order));
        expect([...orders].sort()).toEqual(['asc', 'desc']);
      }
    });
  }
});

describe('faults during an incremental sync', () => {
  const picks = CASES.filter((c) => ['html500', 'hang', 'truncated', 'reset', 'waf403'].includes(c.kind));
  for (const [i, c] of picks.entries()) {
    it(`${c.name}, once: ${c.once}`, async () => {
      const s = await synced(300 + i);
      await faultySync(s, 'incremental', { kind: c.kind, times: 1, match: unpaidWalk }, c.once);
    });
  }
  it('an HTML 502 page until it clears: http_error', async () => {
    const s = await synced(399);
    await faultySync(s, 'incremental', { kind: 'html502', match: unpaidWalk }, 'http_error');
  });
});

/**
 * WHMCS's data changing under a walk: invoices inserted, paid and deleted between the pages,
 * from the fault rule's match callback (so the change lands between two requests).
 */
function mutateBetweenPages(sim: WhmcsSimulator, seed: number, mode: SyncMode) {
  const rnd = prng(seed);
  const deleted = new Set<number>();
  const pick = (filter: (i: { status: string }) => boolean) => {
    const all = [...sim.visibleInvoices()].filter(filter);
    return all.length ? all[rnd.int(0, all.length - 1)] : undefined;
  };
  sim.faults.add({
    kind: 'slow',
    delayMs: 0,
    match: (r) => {
      if (r.action !== 'getinvoices') return false;
      const roll = rnd.next();
      if (roll < 0.25) sim.addInvoice(rnd.next() < 0.5 ? {} : { status: 'Paid' });
      else if (roll < 0.5) {
        const open = pick((i) => i.status === 'Unpaid');
        if (open) sim.payInvoice(open.id);
      } else if (roll < 0.75) {
        // A full sync sees any deletion; an incremental one only those of open invoices.
        const victim = pick((i) => mode === 'full' || i.status === 'Unpaid');
        if (victim) {
          sim.deleteInvoice(victim.id);
          deleted.add(victim.id);
        }
      } else if (roll < 0.85) {
        const open = pick((i) => i.status === 'Unpaid');
        if (open) sim.cancelInvoice(open.id);
      }
      return false;
    },
  });
  return deleted;
}

describe('data changing while a sync walks it', () => {
  for (const mode of ['full', 'incremental'] as const) {
    it(`${mode}: inserts, payments and deletions between pages lose nothing, and the next sync is exact (12 seeds)`, async () => {
      for (let seed = 1; seed <= 12; seed++) {
        const eu = await simSource('eu', { seed: 500 + seed, invoices: 240, clients: 25 });
        const { file, env, dataDir } = reliabilityConfig([eu], { pageSize: 25, timeoutMs: 1000 }, UNLIMITED);
        const bridge = await openBridge(file, env);
        expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
        const sim = eu.served.sim;
        const before = new Set((await listedInvoices(bridge.app)).map((i) => i.id));

        const deleted = mutateBetweenPages(sim, seed, mode);
        const running = bridge.engine.run('eu', mode);
        await watch(
          bridge,
          running,
          new Set([...before].filter((id) => sim.invoice(id) || !deleted.has(id))),
        );
        const run = await running;
        expect(run.result, `seed ${seed}`).toBe('ok');
        sim.faults.clear();

        // Nothing WHMCS still has was tombstoned or dropped; nothing is listed twice.
        const listed = await listedInvoices(bridge.app);
        const live = new Set(listed.map((i) => i.id));
        const lost = [...sim.visibleInvoices()]
          .filter((i) => before.has(i.id) && !live.has(i.id))
          .map((i) => i.id);
        expect(lost, `seed ${seed}: invoices lost`).toEqual([]);
        // A deletion ahead of a full walk is found by it; one behind it waits for the next full sync.
        const next = await bridge.engine.run('eu', mode);
        expect(next.result).toBe('ok');
        if (mode === 'full') await expectStoreEqualsSim(bridge.store, eu);
        else {
          // Payments of open invoices and their deletions are all an incremental sync must see.
          const again = await bridge.engine.run('eu', 'incremental');
          expect(again.result).toBe('ok');
          await expectStoreEqualsSim(bridge.store, eu);
        }
        expect(integrityCheck(join(dataDir, 'bridge.sqlite'))).toBe('ok');
        await bridge.close();
      }
    });
  }
});
