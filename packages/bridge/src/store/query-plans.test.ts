import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { makeInvoices, seededRandom } from './invoice-fixtures.ts';
import { CHANGES_SQL, openPostgresStore } from './postgres/store.ts';
import { openSqliteStore } from './sqlite.ts';
import { createDatabase } from './testing/postgres-server.ts';
import type { Store } from './types.ts';

/*
 * Issue 17 item 5, migration 12: every index on the invoices is written by every insert, so the
 * store keeps only those a query it runs reads. The queries are the store's own: every statement
 * SQLite prepares while each read and write method runs is captured, and its plan read
 * (EXPLAIN QUERY PLAN). Each index kept is read by one of them; the two dropped ones are gone.
 */

const KEPT = ['invoices_client', 'invoices_source_seq', 'invoices_whmcs_status', 'invoices_whmcs_total'];

/** Calls every method of the store that reads or writes invoices. */
async function workload(store: Store): Promise<void> {
  const random = seededRandom(7);
  for (const source of ['eu', 'us']) {
    await store.upsertSource({ id: source, name: source });
    await store.applyPage(source, makeInvoices(random, source, 1, 50), null, 'run-1');
  }
  // Updates (seen by a new run), then a full run's tombstones and removals.
  await store.applyPage('eu', makeInvoices(seededRandom(8), 'eu', 1, 40), null, 'run-2');
  await store.finishFullRun('eu', 'run-2');
  await store.removeInvoices('us', [1, 2]);
  const seq = await store.currentSeq();
  await store.changes(0, 10);
  await store.changes(5, 10, ['us']);
  await store.changesJson(0, 10);
  await store.getInvoice('eu', 3);
  await store.getSource('eu');
  await store.listSources();
  for (const filter of [
    {},
    { sources: ['eu'] },
    { statuses: ['unpaid' as const] },
    { clientId: 42 },
    { changedSinceSeq: seq - 5 },
    { changedSinceSeq: seq - 5, sources: ['us'] },
    { issuedFrom: '2023-01-01', issuedTo: '2023-12-31', currencies: ['USD'] },
  ]) {
    await store.listInvoices(filter, undefined, 20);
    await store.listInvoiceJson(filter, { source: 'eu', id: 10 }, 20);
  }
  await store.idsWithStatus('eu', ['unpaid', 'draft', 'payment_pending', 'collections']);
  await store.countsByStatus('eu');
  await store.countFromId('eu', 10);
  await store.ledgerColumns();
  await store.ledgerColumns(['us']);
  for (const orderBy of ['default', 'id', 'total', 'status'] as const) {
    await store.whmcsOrder('eu', { orderBy, order: 'asc' });
  }
  await store.whmcsRows('eu', [1, 2, 3]);
}

let dir: string | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('migration 12: the invoices keep only the indexes their queries read', () => {
  it('SQLite: every index kept is read by a query the store runs, and only those are kept', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-plans-'));
    const path = join(dir, 'bridge.db');
    const prepared = new Set<string>();
    const prepare = Database.prototype.prepare;
    vi.spyOn(Database.prototype, 'prepare').mockImplementation(function (this: Database.Database, sql) {
      prepared.add(sql);
      return prepare.call(this, sql);
    });
    const store = openSqliteStore({ path });
    await workload(store);
    await store.close();
    vi.restoreAllMocks();

    const db = new Database(path, { readonly: true });
    try {
      const indexes = db
        .prepare<[], string>(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'invoices' AND sql IS NOT NULL ORDER BY name",
        )
        .pluck()
        .all();
      expect(indexes).toEqual(KEPT);

      const plans = new Map<string, string>();
      for (const sql of prepared) {
        if (!/\binvoices\b/.test(sql) || /^\s*(CREATE|DROP|ALTER|PRAGMA)/i.test(sql) || sql.includes('@'))
          continue;
        const params = Array.from(sql.matchAll(/\?/g), () => null);
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
        plans.set(sql, plan.map((row) => row.detail).join('; '));
      }
      const all = [...plans.values()].join('\n');
      for (const index of KEPT) expect(all, `${index} is read by no query:\n${all}`).toContain(index);

      const planOf = (fragment: string) => [...plans].find(([sql]) => sql.includes(fragment))?.[1];
      // The change feed: each source's seq range from (source, seq), never a walk of the table;
      // the seqs that say where a page ends from the index alone, then the page's rows.
      expect(planOf('SELECT seq FROM invoices')).toMatch(
        /USING COVERING INDEX invoices_source_seq \(source=\? AND seq>\?\)/,
      );
      expect(planOf('AND seq <= ? ORDER BY seq')).toMatch(
        /USING INDEX invoices_source_seq \(source=\? AND seq>\? AND seq<\?\)/,
      );
      // The open set and the counts by status: the status order's index, not the whole source.
      expect(planOf('client_id AS clientId')).toMatch(/USING INDEX invoices_whmcs_status/);
      expect(planOf('GROUP BY status')).toMatch(/USING COVERING INDEX invoices_whmcs_status/);
    } finally {
      db.close();
    }
  });

  it('PostgreSQL: no global seq index; the change feed reads each source by (source, seq) without sorting the table', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    const store = await openPostgresStore({ url, poolSize: 1 });
    await workload(store);
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ indexname: string }>(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'invoices' ORDER BY indexname",
      );
      expect(rows.map((r) => r.indexname)).not.toContain('invoices_seq');
      await client.query('SET enable_seqscan = off');
      const plan = (
        await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${CHANGES_SQL}`, [0, 500, null])
      ).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toMatch(/Index Scan using invoices_source_seq on invoices/);
    } finally {
      await client.end();
    }
  });
});
