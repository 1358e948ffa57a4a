import { describe, expect, it } from 'vitest';
import { makeInvoices, seededRandom } from '../invoice-fixtures.ts';
import { storePlace } from '../testing/stores.ts';

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
