import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeInvoice } from '@forecaster/whmcs-client';
import type { WhmcsSimulator } from '@forecaster/whmcs-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeChangesCursor } from '../src/api/cursor.ts';
import type { Bridge } from '../src/bridge.ts';
import { openSqliteStore } from '../src/store/index.ts';
import type { Store } from '../src/store/types.ts';
import { expectStoreEqualsSim, type SimSource, simSource } from './harness.ts';
import {
  AUTH,
  bundleCli,
  integrityCheck,
  onCleanup,
  openBridge,
  prng,
  reliabilityConfig,
  removeBundle,
  runCli,
} from './reliability-support.ts';

/*
 * Seeded crashes: the CLI's `sync` child is killed with SIGKILL after a seeded number of WHMCS
 * requests (counted by the in-process simulator, plus a seeded few milliseconds so that kills
 * land in commits as well as in waits), during full and incremental syncs, then restarted.
 * Every run ends with exactly the simulator's data, an intact SQLite file, and change-feed
 * cursors taken before the kill that still lead a poller to an exact copy, with no gap.
 * WHMCS changes only before a run starts (see crash.test.ts on deletions behind a walk).
 */

const RUNS = 24;
const PAGE = 20;

let bundle: string;
beforeAll(async () => {
  bundle = await bundleCli();
}, 60_000);
afterAll(() => removeBundle(bundle));

type Change = {
  kind: 'upsert' | 'delete';
  source: string;
  id: number;
  seq: number;
  invoice: Record<string, unknown>;
};
/** What a Forecaster poller keeps: the last change of every invoice, and where it stands. */
interface Replica {
  rows: Map<number, Change>;
  seq: number;
}

function apply(replica: Replica, changes: Change[]): void {
  for (const change of changes) {
    expect(change.seq, 'changes come in seq order, after the cursor').toBeGreaterThan(replica.seq);
    replica.rows.set(change.id, change);
    replica.seq = change.seq;
  }
}

/** Follows the store's change feed directly (the bridge child is writing it meanwhile). */
async function pullFromStore(store: Store, replica: Replica): Promise<void> {
  for (;;) {
    const batch = await store.changes(replica.seq, 500);
    if (batch.length === 0) return;
    apply(
      replica,
      batch.map((c) => ({
        kind: c.kind,
        source: c.source,
        id: c.id,
        seq: c.seq,
        invoice: c.invoice as never,
      })),
    );
  }
}

/** Follows `/v1/changes` from `cursor` to the end, through the API. */
async function pullFromApi(bridge: Bridge, replica: Replica, cursor: string): Promise<string> {
  let since = cursor;
  for (;;) {
    const res = await bridge.app.request(`/v1/changes?limit=97&since=${since}`, { headers: AUTH });
    expect(res.status, await res.clone().text()).toBe(200);
    const page = (await res.json()) as { data: Change[]; nextCursor: string; hasMore: boolean };
    apply(replica, page.data);
    since = page.nextCursor;
    if (!page.hasMore) return since;
  }
}

/** The poller's copy holds exactly what WHMCS holds. */
function expectReplicaEqualsSim(replica: Replica, source: SimSource, label: string): void {
  const sim = source.served.sim;
  const live = [...replica.rows.values()].filter((c) => c.kind === 'upsert').sort((a, b) => a.id - b.id);
  const expected = [...sim.visibleInvoices()];
  expect(
    live.map((c) => c.id),
    label,
  ).toEqual(expected.map((i) => i.id));
  for (const [i, change] of live.entries()) {
    const wire = sim.toWire(expected[i]!);
    expect(change.invoice, label).toEqual(
      normalizeInvoice(wire as never, { source: source.id, timeZone: source.timeZone }),
    );
  }
}

function mutate(sim: WhmcsSimulator, rnd: ReturnType<typeof prng>, mode: 'full' | 'incremental'): void {
  const pick = <T>(list: T[]) => list[rnd.int(0, list.length - 1)]!;
  const unpaid = () => [...sim.visibleInvoices()].filter((i) => i.status === 'Unpaid');
  for (let i = 0; i < 3; i++) sim.payInvoice(pick(unpaid()).id);
  sim.cancelInvoice(pick(unpaid()).id);
  for (let i = 0; i < 2; i++) sim.deleteInvoice(pick(unpaid()).id);
  for (let i = 0; i < 2; i++) sim.updateInvoice(pick(unpaid()).id, { notes: `seeded note ${rnd.next()}` });
  for (let i = 0; i < 4; i++) sim.addInvoice(rnd.next() < 0.5 ? {} : { status: 'Paid' });
  if (mode === 'full') {
    // Only a full sync sees these: changes to final invoices and their deletion.
    const paid = () => [...sim.visibleInvoices()].filter((i) => i.status === 'Paid');
    sim.refundInvoice(pick(paid()).id);
    sim.deleteInvoice(pick(paid()).id);
    sim.deleteInvoice(pick([...sim.visibleInvoices()]).id);
  }
}

interface Plan {
  seed: number;
  mode: 'full' | 'incremental';
  /** A full sync into an empty store, or over one synced before. */
  fresh: boolean;
}

const plans: Plan[] = Array.from({ length: RUNS }, (_, n) => ({
  seed: n + 1,
  mode: n % 2 === 0 ? 'full' : 'incremental',
  fresh: n % 4 === 0,
}));

const landed: Array<{
  seed: number;
  mode: string;
  afterRequests: number;
  killed: boolean;
  /** Changes the killed run had committed, and whether it left a checkpoint to resume from. */
  committed: number;
  checkpoint: boolean;
}> = [];

describe('seeded SIGKILL during syncs, then a restart', () => {
  afterAll(() => {
    // Most kills must land mid-sync, or this proves little.
    const killed = landed.filter((l) => l.killed);
    expect(killed.length).toBeGreaterThanOrEqual(20);
    // ...with part of the run committed: a full one resuming from its checkpoint, an
    // incremental one starting over on top of what it wrote.
    const midFull = killed.filter((l) => l.mode === 'full' && l.checkpoint && l.committed > 0);
    const midIncremental = killed.filter((l) => l.mode === 'incremental' && l.committed > 0);
    expect(midFull.length).toBeGreaterThanOrEqual(5);
    expect(midIncremental.length).toBeGreaterThanOrEqual(3);
    console.log(
      `crash-seeded: ${landed.length} runs, ${killed.length} killed mid-sync ` +
        `(${midFull.length} full with a checkpoint, ${midIncremental.length} incremental with changes committed)`,
    );
  });

  for (const plan of plans) {
    const label = `${plan.mode}${plan.mode === 'full' ? (plan.fresh ? ' (empty store)' : ' (over a synced store)') : ''}`;
    it(`seed ${plan.seed}: ${label}`, async () => {
      const rnd = prng(plan.seed * 7919);
      const eu = await simSource('eu', {
        seed: 900 + plan.seed,
        invoices: 260,
        clients: 25,
        latency: { perCallMs: 25 },
      });
      const sim = eu.served.sim;
      // The world is generated up to today, so how many invoices are still Unpaid depends on the
      // date the test runs; the mutations below take eight of them.
      while ([...sim.visibleInvoices()].filter((i) => i.status === 'Unpaid').length < 10) sim.addInvoice();
      // The default walk (both ends), its pages kept at PAGE so that the seeded kill points land
      // within a run: grown to 1000, a sync of 260 takes three calls.
      const { file, env, dataDir } = reliabilityConfig([eu], {
        pageSize: PAGE,
        timeoutMs: 5000,
        sync: { maxPageSize: PAGE },
      });
      const configPath = join(dataDir, 'bridge.json');
      writeFileSync(configPath, JSON.stringify(file));
      const dbPath = join(dataDir, 'bridge.sqlite');

      // Before: the store as the Forecaster last saw it, and its cursor, through the API.
      const replica: Replica = { rows: new Map(), seq: 0 };
      {
        const before = await openBridge(file, env);
        if (!plan.fresh) expect((await before.engine.run('eu', 'full')).result).toBe('ok');
        const cursor = await pullFromApi(before, replica, encodeChangesCursor(0));
        expect(cursor).toBe(encodeChangesCursor(replica.seq));
        await before.close();
      }
      const atStart: Replica = { rows: new Map(replica.rows), seq: replica.seq };
      if (!plan.fresh) mutate(sim, rnd, plan.mode);

      // The kill: after `k` requests reached WHMCS, and a few milliseconds more.
      const pages = Math.ceil(260 / PAGE);
      const k = plan.mode === 'full' ? rnd.int(1, pages - 3) : rnd.int(1, 7);
      const jitterMs = rnd.int(0, 30);
      const reader = openSqliteStore({ path: dbPath });
      onCleanup(() => reader.close());
      sim.clearRequests();
      const args = ['--config', configPath, 'sync', ...(plan.mode === 'full' ? ['--full'] : [])];
      const childEnv = { ...env, BRIDGE_LOG_LEVEL: 'warn' };
      const first = runCli(bundle, args, childEnv);
      let killedAt = -1;
      const midCursor: { replica?: Replica } = {};
      sim.faults.add({
        kind: 'slow',
        delayMs: 0,
        times: 1,
        match: (r) => {
          if (r.index !== k) return false;
          setTimeout(async () => {
            // A poller keeps reading while the sync writes, right up to the kill.
            await pullFromStore(reader, replica);
            midCursor.replica = { rows: new Map(replica.rows), seq: replica.seq };
            killedAt = sim.requests.length;
            first.child.kill('SIGKILL');
          }, jitterMs);
          return true;
        },
      });
      const code = await first.exit;
      const killed = code === null;
      if (!killed) expect(code, first.out() + first.err()).toBe(0);
      expect(integrityCheck(dbPath)).toBe('ok');
      landed.push({
        seed: plan.seed,
        mode: plan.mode,
        afterRequests: killedAt,
        killed,
        committed: (await reader.currentSeq()) - atStart.seq,
        checkpoint: (await reader.getSource('eu'))?.checkpoint !== undefined,
      });

      // The restart finishes the job.
      const second = runCli(bundle, args, childEnv);
      expect(await second.exit, second.out() + second.err()).toBe(0);
      expect(second.out()).toMatch(new RegExp(`eu\\s+${plan.mode}\\s+ok`));
      expect((await reader.getSource('eu'))?.checkpoint).toBeUndefined();
      await expectStoreEqualsSim(reader, eu);
      expect(integrityCheck(dbPath)).toBe('ok');
      await reader.close();

      // Cursors from before the crash still work, through the API of a bridge on the same data.
      const after = await openBridge(file, env);
      const storeSeq = await after.store.currentSeq();
      for (const [name, from] of [
        ['before the run', atStart],
        ['just before the kill', midCursor.replica ?? atStart],
      ] as const) {
        const copy: Replica = { rows: new Map(from.rows), seq: from.seq };
        const next = await pullFromApi(after, copy, encodeChangesCursor(from.seq));
        expect(next).toBe(encodeChangesCursor(storeSeq));
        expectReplicaEqualsSim(copy, eu, `seed ${plan.seed}, cursor taken ${name}`);
        // Nothing in between was skipped: every change after the cursor came.
        const all = await after.store.changes(from.seq, 1_000_000);
        expect(
          all.every((c) => copy.rows.get(c.id)?.seq === c.seq),
          name,
        ).toBe(true);
      }
    });
  }
});
