import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/index.ts';
import { lastJson, runWithShippedHeap } from './shipped-heap.ts';

const N = 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'facade-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store of N live invoices of one source, written by SQL (fast: the facade reads only these columns). */
function bigStore(path: string): void {
  openSqliteStore({ path }).close();
  const db = new Database(path);
  db.exec(`INSERT INTO sources (id, name) VALUES ('big', 'Big')`);
  // Dates from the raw record (raw_full = 1: the WHMCS record stored whole), as the facade sorts.
  db.exec(`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${N}),
    v AS (SELECT i, date('2019-01-01', '+' || (i % 2500) || ' days') AS d,
      date('2019-01-08', '+' || (i % 2500) || ' days') AS due,
      CASE i % 5 WHEN 0 THEN 'unpaid' WHEN 1 THEN 'cancelled' ELSE 'paid' END AS s FROM k)
    INSERT INTO invoices (source, id, status, currency, client_id, issue_date, due_date, total_units,
      credit_units, seq, raw_full, data, raw)
    SELECT 'big', i, s, 'USD', i % 20000, d, due, (i * 7919) % 5000000, 0, i, 1, '{}',
      json_object('id', i, 'date', d, 'duedate', due, 'invoicenum', '', 'status', s) FROM v`);
  db.close();
}

describe('the WHMCS facade over a million invoices of one source', () => {
  it('serves pages in several orders under the heap the bridge is started with (it ran out of memory)', async () => {
    const path = join(dir, 'bridge.db');
    bigStore(path);
    // The order was read whole (a million rows at once, a string per key): past the 96 MB heap
    // the bridge ships with, the process died on the first page.
    const { code, out } = await runWithShippedHeap('facade-memory-child.ts', [path]);
    expect(code, out.slice(-2000)).toBe(0);
    const { read } = lastJson<{ read: Array<[string, number, number]> }>(out);
    expect(read).toEqual([
      ['default', N, 25],
      ['date', N, 25],
      ['duedate', N, 25],
      ['default', N, 25],
    ]);
  }, 180_000);
});
