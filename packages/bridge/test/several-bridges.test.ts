import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openPostgresStore } from '../src/store/postgres/store.ts';
import { createDatabase } from '../src/store/testing/postgres-server.ts';
import { configFor, expectStoreEqualsSim, simSource, TOKEN, tempDir } from './harness.ts';
import { bundleCli, type CliRun, removeBundle, runCli, sleep } from './reliability-support.ts';

/*
 * Issue 15: three bridges (the shipped CLI, as separate processes) serve one PostgreSQL
 * database. Exactly one syncs the source; when it is killed mid-sync (SIGKILL: no release, no
 * goodbye) another takes over from the checkpoint, the store ends equal to the simulator, and
 * a client following /v1/changes through whichever bridge answers ends with exactly the live set.
 */

const INVOICES = 3_000;
const AUTH = { Authorization: `Bearer ${TOKEN}` };
let bundle: string;

beforeAll(async () => {
  bundle = await bundleCli();
}, 60_000);

afterAll(() => removeBundle(bundle));

interface Change {
  seq: number;
  source: string;
  id: number;
  kind: 'upsert' | 'delete';
  invoice: Record<string, unknown>;
}

describe('several bridges on one PostgreSQL database', () => {
  it('one syncs at a time; SIGKILL of the leader mid-sync: another takes over from the checkpoint, and the feed ends exact', async () => {
    const eu = await simSource('eu', { invoices: INVOICES, seed: 11 });
    // Slow enough that the kill lands mid-walk: 30 pages of 100, each 150 to 250 ms.
    eu.served.sim.faults.add({ kind: 'slow', delayMs: 150, match: (r) => r.index % 2 === 0 });
    eu.served.sim.faults.add({ kind: 'slow', delayMs: 250, match: (r) => r.index % 2 === 1 });
    const url = await createDatabase(inject('postgresUrl'), 'bridges');
    const db = new pg.Client({ connectionString: url });
    const bridges: Array<{ run: CliRun; url: string }> = [];
    try {
      for (let i = 0; i < 3; i++) {
        const { file, env, dataDir } = configFor([eu], {}, tempDir());
        file.store = { kind: 'postgres', url: { env: 'DATABASE_URL' }, poolSize: 4 };
        const configPath = join(dataDir, 'bridge.json');
        writeFileSync(configPath, JSON.stringify(file));
        const run = runCli(bundle, ['--config', configPath, 'serve'], { ...env, DATABASE_URL: url });
        bridges.push({ run, url: '' });
      }
      for (const b of bridges) b.url = (await b.run.waitFor(/bridge listening on (http:\/\/[\d.:]+)/))[1]!;
      await db.connect();
      const lease = async () =>
        (await db.query<{ pid: number }>("SELECT pid FROM sync_leases WHERE source = 'eu'")).rows[0]?.pid;
      const pagesDone = async () => {
        const { rows } = await db.query<{ checkpoint: string | null }>(
          "SELECT checkpoint FROM sources WHERE id = 'eu'",
        );
        return rows[0]?.checkpoint ? (JSON.parse(rows[0].checkpoint) as { pagesDone: number }).pagesDone : 0;
      };

      // A follower of the change feed that asks a different bridge on every poll.
      const followed = new Map<string, Change>();
      let cursor: string | undefined;
      let polls = 0;
      let following = true;
      const follow = (async () => {
        while (following) {
          const alive = bridges.filter(
            (b) => b.run.child.exitCode === null && b.run.child.signalCode === null,
          );
          const bridge = alive[polls++ % alive.length]!;
          const res = await fetch(`${bridge.url}/v1/changes?limit=250${cursor ? `&since=${cursor}` : ''}`, {
            headers: AUTH,
          }).catch(() => undefined);
          if (res?.status !== 200) continue; // the bridge was killed under the request
          const body = (await res.json()) as { data: Change[]; nextCursor: string; hasMore: boolean };
          for (const change of body.data) followed.set(`${change.source}/${change.id}`, change);
          cursor = body.nextCursor;
          if (!body.hasMore) await sleep(50);
        }
      })();

      // Exactly one leader, and it has committed pages of the full sync.
      const until = Date.now() + 60_000;
      while ((await pagesDone()) < 5) {
        if (Date.now() > until) throw new Error('the full sync never got going');
        await sleep(50);
      }
      const leaderPid = await lease();
      const leader = bridges.find((b) => b.run.child.pid === leaderPid);
      expect(leader, `lease held by pid ${leaderPid}`).toBeDefined();
      const doneAtKill = await pagesDone();
      leader!.run.child.kill('SIGKILL');
      const killedAt = Date.now();
      await leader!.run.exit;

      // Another bridge takes the lease (the dead pid on this host is seen at once; on another
      // host the lease's 30 s expiry bounds it) and resumes from the checkpoint.
      let takenOverAt = 0;
      while (!takenOverAt) {
        const pid = await lease();
        if (pid !== undefined && pid !== leaderPid) takenOverAt = Date.now();
        else if (Date.now() - killedAt > 45_000) throw new Error('no bridge took over');
        else await sleep(50);
      }
      expect(takenOverAt - killedAt).toBeLessThan(35_000);
      const finished = Date.now() + 120_000;
      for (;;) {
        const { rows } = await db.query<{ last_full: string | null }>(
          "SELECT last_full FROM sources WHERE id = 'eu'",
        );
        const last = rows[0]?.last_full
          ? (JSON.parse(rows[0].last_full) as { result: string; rowsRead: number })
          : undefined;
        if (last?.result === 'ok') {
          // Resumed, not started over: the second run read fewer rows than the source holds.
          expect(last.rowsRead).toBeLessThan(INVOICES - (doneAtKill - 1) * 100);
          break;
        }
        if (Date.now() > finished) throw new Error(`the full sync never finished: ${JSON.stringify(last)}`);
        await sleep(100);
      }

      // The store is the simulator's data, exactly.
      const store = await openPostgresStore({ url, poolSize: 2 });
      try {
        await expectStoreEqualsSim(store, eu);
        // The follower catches up and holds exactly the live set, invoice by invoice.
        const seq = await store.currentSeq();
        while (!followed.size || Math.max(...[...followed.values()].map((c) => c.seq)) < seq) await sleep(50);
        following = false;
        await follow;
        expect(polls).toBeGreaterThan(3);
        const live = [...followed.values()].filter((c) => c.kind === 'upsert');
        const stored = await store.listInvoices({ sources: ['eu'] }, undefined, INVOICES + 10);
        expect(live.map((c) => c.id).sort((a, b) => a - b)).toEqual(stored.map((s) => s.invoice.id));
        const byId = new Map(stored.map((s) => [s.invoice.id, s.invoice]));
        for (const change of live) expect(change.invoice).toEqual(byId.get(change.id));
      } finally {
        await store.close();
      }
      // Only one process ever wrote at a time: the survivors are still serving, and say so.
      for (const b of bridges.filter((x) => x !== leader)) {
        const ready = await fetch(`${b.url}/readyz`);
        expect(ready.status).toBe(200);
      }
    } finally {
      for (const b of bridges) if (b.run.child.exitCode === null) b.run.child.kill('SIGTERM');
      await Promise.all(bridges.map((b) => b.run.exit));
      await db.end().catch(() => {});
    }
  }, 240_000);
});
