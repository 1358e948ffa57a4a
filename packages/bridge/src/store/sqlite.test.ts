import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeInvoices, seededRandom } from './invoice-fixtures.ts';
import { openSqliteStore, type SqliteStore } from './sqlite.ts';
import type { FetchedInvoice } from './types.ts';

// What only the SQLite engine does; the store's behaviour on both engines is in store.test.ts.

let dir: string;
let store: SqliteStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-store-'));
  store = openSqliteStore({ path: join(dir, 'nested', 'bridge.db') });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('opening a SQLite store', () => {
  it('creates the directory and a WAL database', async () => {
    expect(store.kind).toBe('sqlite');
    expect(await store.ping()).toBe(true);
    const peek = new Database(join(dir, 'nested', 'bridge.db'), { readonly: true });
    expect(peek.pragma('journal_mode', { simple: true })).toBe('wal');
    peek.close();
  });

  it('works in memory', async () => {
    const memory = openSqliteStore({ path: ':memory:' });
    await memory.upsertSource({ id: 'a', name: 'A' });
    await memory.applyPage('a', makeInvoices(seededRandom(2), 'a', 1, 3), null);
    expect(await memory.countFromId('a', 0)).toBe(3);
    await memory.close();
  });
});

describe("the invoices table's pages", () => {
  /** Bytes of the invoices table's pages per invoice, after `pages` were applied in turn. */
  async function bytesPerInvoice(pages: FetchedInvoice[][]): Promise<number> {
    const path = join(dir, `${pages.length}-${Math.random()}.db`);
    const filled = openSqliteStore({ path });
    await filled.upsertSource({ id: 'eu', name: 'EU' });
    for (const page of pages) await filled.applyPage('eu', page, null);
    await filled.close();
    const peek = new Database(path, { readonly: true });
    const bytes = peek
      .prepare("SELECT sum(pgsize) FROM dbstat WHERE name = 'invoices'")
      .pluck()
      .get() as number;
    peek.close();
    return bytes / pages.flat().length;
  }

  it('stay as full when a walk from both ends sends half the pages newest first', async () => {
    const all = makeInvoices(seededRandom(5), 'eu', 1, 4000);
    const page = 250;
    // One end: pages of ascending ids from the oldest.
    const oneEnd = Array.from({ length: all.length / page }, (_, n) => all.slice(n * page, (n + 1) * page));
    // Both ends: alternately the next page from the bottom and the next from the top, the top's
    // rows newest first (orderby=id, order=desc), meeting in the middle.
    const bothEnds: FetchedInvoice[][] = [];
    for (let low = 0, high = all.length, top = false; low < high; top = !top) {
      if (top) {
        const start = Math.max(high - page, low);
        bothEnds.push(all.slice(start, high).reverse());
        high = start;
      } else {
        const end = Math.min(low + page, high);
        bothEnds.push(all.slice(low, end));
        low = end;
      }
    }
    expect(bothEnds.flat().length).toBe(all.length);
    const ascending = await bytesPerInvoice(oneEnd);
    const walked = await bytesPerInvoice(bothEnds);
    // Written as they came, the top's rows each went before the last one: 1.41x (measured).
    expect(walked / ascending).toBeLessThan(1.1);
  });
});
