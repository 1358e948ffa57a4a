import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { openPostgresStore } from './postgres/store.ts';
import { whmcsOrderSql as postgresOrderSql } from './postgres/whmcs-order.ts';
import { openSqliteDatabase } from './sqlite-open.ts';
import { whmcsOrderSql } from './sqlite-whmcs-order.ts';
import { createDatabase } from './testing/postgres-server.ts';
import type { WhmcsOrderQuery } from './types.ts';

/*
 * Issue 17 item 8, migration 15: reading an order of the WHMCS facade walks an index where one
 * helps (SQLite: id, total, status; PostgreSQL: every order) instead of sorting the source. The plans
 * are read from the engines themselves (EXPLAIN), on the queries the stores run.
 */

const ORDERS: Array<Pick<WhmcsOrderQuery, 'orderBy' | 'order'>> = [
  { orderBy: 'default', order: 'asc' },
  ...(['id', 'invoicenumber', 'date', 'duedate', 'total', 'status'] as const).flatMap((orderBy) => [
    { orderBy, order: 'asc' as const },
    { orderBy, order: 'desc' as const },
  ]),
];

describe('migration 15: an index for each WHMCS facade order', () => {
  it('SQLite reads the orders by id, total and status from an index without touching the table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-order-'));
    const { db } = openSqliteDatabase(join(dir, 'bridge.db'));
    try {
      for (const order of ORDERS) {
        const { sql, params } = whmcsOrderSql('eu', order);
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>)
          .map((row) => row.detail)
          .join('; ');
        const name = `${order.orderBy} ${order.order}: ${plan}`;
        if (order.orderBy === 'total' || order.orderBy === 'status') {
          expect(plan, name).toMatch(/USING COVERING INDEX invoices_whmcs_/);
          if (order.order === 'asc') expect(plan, name).not.toContain('TEMP B-TREE');
        }
        if (order.orderBy === 'id') expect(plan, name).toMatch(/USING PRIMARY KEY/);
        // A descending order sorts only the ids within one key (GetInvoices breaks ties by id).
        if (order.orderBy === 'id' || order.orderBy === 'total')
          expect(plan, name).not.toContain('TEMP B-TREE FOR ORDER BY');
      }
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL can read every ascending order from an index, without a sort', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    await (await openPostgresStore({ url, poolSize: 1 })).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // An empty table would be scanned whole: forbid that, so the plan says what an index can do.
      await client.query('SET enable_seqscan = off');
      await client.query('SET enable_sort = off');
      for (const order of ORDERS.filter((o) => o.order === 'asc')) {
        const { sql, params } = postgresOrderSql('eu', order);
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(plan, `${order.orderBy}: ${plan}`).toMatch(/Index (Only )?Scan/);
        expect(plan, `${order.orderBy}: ${plan}`).not.toMatch(/\bSort\b/);
      }
    } finally {
      await client.end();
    }
  });
});
