import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/index.ts';
import { lastJson, runWithShippedHeap } from './shipped-heap.ts';

/*
 * The exact figures read every live invoice. They read them as objects with bigint money (about
 * 380 bytes of heap each): under the 96 MB heap the bridge is started with, 200,000 invoices ran
 * the process out of memory, and the routes answered 503 past about 150,000 after that. They now
 * read exact columns outside the heap, one invoice at a time.
 */

// Twice what ran out: the object ledger would need about 150 MB of heap for them.
const N = 400_000;
const dir = mkdtempSync(join(tmpdir(), 'figures-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store of N live invoices of source eu, written by SQL: open, paid and cancelled, in USD. */
function bigStore(path: string): void {
  openSqliteStore({ path }).close();
  const db = new Database(path);
  db.exec(`INSERT INTO sources (id, name) VALUES ('eu', 'EU')`);
  db.exec(`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${N}),
    v AS (SELECT i, date('2019-01-01', '+' || (i % 1900) || ' days') AS d,
      date('2019-01-15', '+' || (i % 1900) || ' days') AS due,
      CASE i % 5 WHEN 0 THEN 'unpaid' WHEN 1 THEN 'cancelled' ELSE 'paid' END AS s,
      ((i * 7919) % 50000) * 100 AS units FROM k)
    INSERT INTO invoices (source, id, status, currency, client_id, issue_date, due_date, paid_date,
      total_units, credit_units, seq, raw_full, data, raw)
    SELECT 'eu', i, s, 'USD', i % 20000, d, due,
      CASE s WHEN 'paid' THEN date(due, '+' || (i % 23) || ' days') END, units, 0, i, 1,
      json_object('subtotal', printf('%d.%02d', units / 10000, (units / 100) % 100), 'tax', '0.00',
        'tax2', '0.00', 'cancelledAt', CASE s WHEN 'cancelled' THEN due || ' 10:00:00' END),
      '{}' FROM v`);
  db.exec(`UPDATE meta SET value = ${N} WHERE key = 'seq'`);
  db.close();
}

describe('the exact figures over 400,000 invoices', () => {
  it('answer under the heap the bridge is started with (past 200,000 it ran out, then answered 503)', async () => {
    const path = join(dir, 'bridge.db');
    bigStore(path);
    const { code, out } = await runWithShippedHeap('figures-memory-child.ts', [path]);
    expect(code, out.slice(-2000)).toBe(0);
    const { answers, heapMB, maxRssMB } = lastJson<{
      heapMB: number;
      maxRssMB: number;
      answers: Record<string, { status: number; ms: number; body: { data: Array<Record<string, unknown>> } }>;
    }>(out);
    for (const [route, answer] of Object.entries(answers))
      expect(answer.status, `${route}: ${JSON.stringify(answer.body).slice(0, 300)}`).toBe(200);
    // The same figures counted by SQL over the same rows.
    const db = new Database(path, { readonly: true });
    const sql = (q: string) => db.prepare(q).get() as { n: number; units: number };
    const open = sql(`SELECT count(*) AS n, sum(total_units) AS units FROM invoices WHERE status = 'unpaid'`);
    const paid = sql(`SELECT count(*) AS n, sum(total_units) AS units FROM invoices
      WHERE status = 'paid' AND paid_date > date('2024-06-14', '-365 days') AND paid_date <= '2024-06-14'`);
    const invoiced = sql(
      `SELECT count(*) AS n, sum(total_units) AS units FROM invoices WHERE status != 'cancelled'`,
    );
    db.close();
    const decimal = (units: number) => (units / 10_000).toFixed(2);
    expect(answers['/v1/receivables']?.body.data[0]).toMatchObject({
      source: 'all',
      openCount: open.n,
      open: decimal(open.units),
    });
    expect(answers['/v1/payment-behaviour']?.body.data[0]).toMatchObject({
      source: 'all',
      count: paid.n,
      settledAmount: decimal(paid.units),
    });
    const gross = answers['/v1/revenue/figures']?.body.data
      .map((row) => row as { amounts: { invoicedGross: string } })
      .reduce((sum, row) => sum + Math.round(Number(row.amounts.invoicedGross) * 100), 0);
    expect(gross).toBe(invoiced.units / 100);
    const times = Object.entries(answers).map(([route, a]) => `${route} ${a.ms} ms`);
    console.log(`${times.join(', ')}; heap after ${heapMB} MB, peak RSS ${maxRssMB} MB`);
  }, 300_000);
});
