import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeInvoices, seededRandom } from './invoice-fixtures.ts';
import { openSqliteStore, type SqliteStore } from './sqlite.ts';

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
