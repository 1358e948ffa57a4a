import { describe, expect, inject, it } from 'vitest';
import { makeInvoices, seededRandom } from '../invoice-fixtures.ts';
import { createDatabase } from '../testing/postgres-server.ts';
import { createPool } from './pool.ts';
import { openPostgresStore } from './store.ts';

describe("the PostgreSQL store's planner statistics", () => {
  it('are brought up to date at the end of a full run, and the cursor page then reads the primary key', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    const store = await openPostgresStore({ url, poolSize: 2 });
    const pool = createPool({ url, poolSize: 1 });
    try {
      // Only the store may analyze here (autovacuum could otherwise do it first).
      await pool.query('ALTER TABLE invoices SET (autovacuum_enabled = off)');
      const random = seededRandom(5);
      await store.upsertSource({ id: 's', name: 's' });
      for (let first = 1; first <= 6000; first += 500)
        await store.applyPage('s', makeInvoices(random, 's', first, 500), null, 'run-1');
      const tuples = async () =>
        (
          await pool.query<{ n: number }>(
            "SELECT reltuples::float8 AS n FROM pg_class WHERE relname = 'invoices'",
          )
        ).rows[0]!.n;
      expect(await tuples()).toBeLessThan(0); // never analyzed
      expect(await store.finishFullRun('s', 'run-1')).toEqual({ removed: 0 });
      expect(await tuples()).toBe(6000);
      const { rows } = await pool.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT source, id, data FROM invoices WHERE deleted_at IS NULL AND (source, id) > ('s', 1000)
         ORDER BY source, id LIMIT 501`,
      );
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan, plan).toMatch(/Index Scan using invoices_pkey on invoices/);
      expect(plan, plan).not.toMatch(/Sort/);
    } finally {
      await pool.end();
      await store.close();
    }
  });
});
