import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from './errors.ts';
import { makeInvoices, seededRandom } from './invoice-fixtures.ts';
import { openSqliteStore } from './sqlite.ts';
import { classifyStoreError } from './store-errors.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-store-errors-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Overwrites the middle of a store file with garbage, as a failing disk or a bad copy would. */
function damage(path: string): void {
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(Math.min(size / 2, 64 * 1024), 0xa5), 0, undefined, Math.floor(size / 4));
  } finally {
    closeSync(fd);
  }
}

async function filledStore(path: string) {
  const store = openSqliteStore({ path });
  await store.upsertSource({ id: 'eu', name: 'eu' });
  await store.applyPage('eu', makeInvoices(seededRandom(1), 'eu', 1, 500), null);
  await store.close();
}

describe('store failures have their own codes, each with its fix', () => {
  it('a full disk is store_full', () => {
    const db = new Database(join(dir, 'full.db'));
    db.exec('CREATE TABLE t (x TEXT)');
    db.pragma('max_page_count = 3');
    let err: unknown;
    try {
      db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(100_000));
    } catch (e) {
      err = e;
    }
    db.close();
    const known = classifyStoreError(err, join(dir, 'full.db'));
    expect(known).toBeInstanceOf(StoreError);
    expect(known).toMatchObject({ code: 'store_full' });
    expect(known!.message).toContain(`The disk holding the store (${dir}) is full: free space there`);
  });

  it('a file that is not a database is store_corrupt at open, with the way back', () => {
    const path = join(dir, 'bridge.sqlite');
    writeFileSync(path, Buffer.alloc(64 * 1024, 0x42));
    expect(() => openSqliteStore({ path })).toThrow(StoreError);
    expect(() => openSqliteStore({ path })).toThrow(/is damaged \(SQLITE_NOTADB\).*bridge sync --full/);
  });

  it('a store opened read-only is store_read_only, naming the directory to fix', async () => {
    const path = join(dir, 'bridge.sqlite');
    await filledStore(path);
    const db = new Database(path, { readonly: true });
    let err: unknown;
    try {
      db.prepare("UPDATE meta SET value = 1 WHERE key = 'seq'").run();
    } catch (e) {
      err = e;
    }
    db.close();
    expect(classifyStoreError(err, path)).toMatchObject({ code: 'store_read_only' });
    expect(classifyStoreError(err, path)!.message).toContain(`make ${dir} and the files in it writable`);
  });

  it('health() reports a damaged file, and nothing for a sound one', async () => {
    const path = join(dir, 'bridge.sqlite');
    await filledStore(path);
    const sound = openSqliteStore({ path });
    expect(await sound.health()).toEqual([]);
    await sound.close();
    damage(path);
    let problems: Array<{ code: string }> = [];
    try {
      const damaged = openSqliteStore({ path });
      problems = await damaged.health();
      await damaged.close();
    } catch (err) {
      // Damage that reaches the schema fails the open itself, with the same code.
      problems = [{ code: (err as StoreError).code }];
    }
    expect(problems.map((p) => p.code)).toContain('store_corrupt');
  });
});
