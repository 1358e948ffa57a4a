import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { editInvoice, makeInvoices, seededRandom } from '../invoice-fixtures.ts';
import { type ChangeRow, toChangeEntry } from '../records.ts';
import { createDatabase } from '../testing/postgres-server.ts';
import { storePlace } from '../testing/stores.ts';
import type { ChangeEntry, Store } from '../types.ts';
import { createPool } from './pool.ts';
import { CHANGES_SQL, openPostgresStore } from './store.ts';

/*
 * Several bridges write one database at once. A follower of /v1/changes keeps only its cursor
 * (the last seq it read): if a transaction holding seq 11 became visible after one holding
 * seq 12, a follower that read 12 first would never see 11. Writers here only insert, so every
 * seq stays in the table and a miss cannot be hidden by a later change of the same row.
 */
describe('the PostgreSQL change feed with concurrent writers', () => {
  it('never shows a seq before every lower seq is visible: a follower polling during the writes misses nothing', async () => {
    const place = await storePlace('postgres');
    const writers = await Promise.all([0, 1, 2, 3].map(() => place.open()));
    const reader = await place.open();
    try {
      for (const [i, w] of writers.entries()) await w.upsertSource({ id: `s${i}`, name: `s${i}` });
      const PAGES = 25;
      const ROWS = 20;
      let writing = true;
      const writes = Promise.all(
        writers.map(async (w, i) => {
          const random = seededRandom(100 + i);
          for (let page = 0; page < PAGES; page++) {
            await w.applyPage(`s${i}`, makeInvoices(random, `s${i}`, page * ROWS + 1, ROWS), null);
          }
        }),
      ).finally(() => {
        writing = false;
      });
      const seen: number[] = [];
      let cursor = 0;
      let polls = 0;
      const follow = async () => {
        for (;;) {
          // Whether the writers had finished before this poll read: a poll that started before
          // the last commit may answer nothing and still not be the end.
          const finished = !writing;
          const page = await reader.changes(cursor, 37);
          polls++;
          for (const change of page) {
            expect(change.seq).toBeGreaterThan(cursor);
            seen.push(change.seq);
            cursor = change.seq;
          }
          if (page.length === 0 && finished) return;
        }
      };
      await Promise.all([writes, follow()]);
      // The follower read while the writers committed (not only after them).
      expect(polls).toBeGreaterThan(10);
      const all = (await reader.changes(0, 100_000)).map((c) => c.seq);
      expect(all).toHaveLength(writers.length * PAGES * ROWS);
      expect(seen).toEqual(all);
    } finally {
      for (const s of [...writers, reader]) await s.close();
      await place.dispose();
    }
  });
});

/*
 * The feed reads the page's seqs first (each source's seq range from invoices_source_seq, the
 * index alone), then only the page's rows. Three sources of very different sizes, written
 * interleaved, with updates and tombstones moving rows to later seqs.
 */
describe('the PostgreSQL change feed over sources of very different sizes', () => {
  const SIZES = { a: 3, b: 500, c: 2000 };
  let store: Store;
  let pool: pg.Pool;

  beforeAll(async () => {
    const url = await createDatabase(inject('postgresUrl'));
    store = await openPostgresStore({ url, poolSize: 2 });
    pool = createPool({ url, poolSize: 1 });
    // The sources table keeps no statistics (autovacuum analyzes it after 50 changes): the
    // planner guesses hundreds of rows for it.
    await pool.query('ALTER TABLE sources SET (autovacuum_enabled = off)');
    const random = seededRandom(31);
    const next: Record<string, number> = { a: 1, b: 1, c: 1 };
    for (const id of Object.keys(SIZES)) await store.upsertSource({ id, name: id });
    for (;;) {
      const left = Object.entries(SIZES).filter(([id, size]) => next[id]! <= size);
      if (left.length === 0) break;
      const [id, size] = left[Math.floor(random() * left.length)]!;
      const count = Math.min(size - next[id]! + 1, 1 + Math.floor(random() * 40));
      await store.applyPage(id, makeInvoices(random, id, next[id]!, count), null);
      next[id]! += count;
    }
    await store.applyPage(
      'c',
      [1, 700, 1999].map((id) => editInvoice(random, { source: 'c', id, timeZone: 'UTC' })),
      null,
    );
    await store.applyPage('a', [editInvoice(random, { source: 'a', id: 2, timeZone: 'UTC' })], null);
    await store.removeInvoices('b', [1, 250, 500]);
    await store.removeInvoices('a', [3]);
    await pool.query('VACUUM ANALYZE invoices');
  });

  afterAll(async () => {
    await pool.end();
    await store.close();
  });

  /** Every row of the sources, merged by seq in JavaScript. */
  async function bruteForce(sources: string[]): Promise<ChangeEntry[]> {
    const { rows } = await pool.query<ChangeRow>(
      'SELECT source, id, seq, data, deleted_at FROM invoices WHERE source = ANY($1::text[])',
      [sources],
    );
    return rows.sort((x, y) => x.seq - y.seq).map(toChangeEntry);
  }

  it.each([1, 37, 1000])('pages at limit %i give exactly the merge of every source', async (limit) => {
    for (const sources of [undefined, ['a', 'c'], ['b']]) {
      const want = await bruteForce(sources ?? Object.keys(SIZES));
      const got: ChangeEntry[] = [];
      let since = 0;
      for (;;) {
        const page = await store.changes(since, limit, sources);
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(limit);
        got.push(...page);
        since = page.at(-1)!.seq;
      }
      expect(got).toEqual(want);
    }
    // The sizes and the interleaving: every source has rows both early and late in the feed.
    const all = await bruteForce(Object.keys(SIZES));
    expect(all).toHaveLength(3 + 500 + 2000);
    expect(all.filter((c) => c.kind === 'delete')).toHaveLength(4);
    for (const id of Object.keys(SIZES)) {
      const seqs = all.filter((c) => c.source === id).map((c) => c.seq);
      expect(Math.min(...seqs)).toBeLessThan(all.length / 2);
      expect(Math.max(...seqs)).toBeGreaterThan(all.length / 2);
    }
  });

  it("reads the page's seqs from invoices_source_seq alone, then only the page's rows from the same index", async () => {
    const jitAbove = Number((await pool.query('SHOW jit_above_cost')).rows[0].jit_above_cost);
    for (const params of [
      [0, 500, null],
      [1200, 37, null],
      [1200, 37, ['a', 'c']],
    ]) {
      const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${CHANGES_SQL}`, params);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      // Priced right: under jit_above_cost (which compiled every call before the pool turned JIT off).
      expect(Number(/cost=[\d.]+\.\.([\d.]+)/.exec(plan)![1]), plan).toBeLessThan(jitAbove);
      // The seqs: each source's range of the index, without visiting the table.
      expect(plan).toMatch(
        /Index Only Scan using invoices_source_seq on invoices\b.*\n\s*Index Cond: \(\(source = s\w*\.id\) AND \(seq > '\d+'::bigint\)\)/,
      );
      // The rows: each source's range up to its last seq in the page, nothing past it.
      expect(plan).toMatch(
        /Index Scan using invoices_source_seq on invoices\b.*\n\s*Index Cond: \(\(source = \w+\.source\) AND \(seq > '\d+'::bigint\) AND \(seq <= \(max\(\w+\.seq\)\)\)\)/,
      );
      expect(plan, plan).not.toMatch(/Seq Scan on invoices/);
    }
  });
});
