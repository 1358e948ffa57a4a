import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database, { type Database as Db } from 'better-sqlite3';
import { migrate } from './migrations.ts';
import { classifyStoreError } from './store-errors.ts';

/** How long a writer waits for another connection's write transaction before failing. */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * WAL pages after which a commit checkpoints (SQLite's default is 1000, 16 MB of 16 KiB pages).
 * A checkpoint copies each page once however many commits rewrote it, and a sync's commits
 * rewrite the same leaves of the client and total indexes over and over: 2000 inserted 1.2x as
 * many rows a second as 1000 into the store's table at 100,000 invoices and 1.09x at 1,000,000,
 * for a WAL file of up to 32 MB and a longer checkpoint (the slowest commit of 1000 rows at
 * 1,000,000 invoices 96 ms against 87). 4000 gained nothing more at 100,000 and 1.11x at
 * 1,000,000, for checkpoints up to 127 ms on the event loop.
 */
const WAL_AUTOCHECKPOINT_PAGES = 2000;

/**
 * The pragmas the store runs with, on a connection to its file (the store's own, or a
 * benchmark's beside it: bench/store-write.ts).
 */
export function setStorePragmas(db: Db): void {
  // Before WAL, and only effective on a new file: 16 KiB pages hold ten invoices (about 1.5 KB
  // each with both JSON documents) instead of two, which made first syncs 1.3-1.5x faster.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a power loss may drop the last commits, never corrupt the file.
  db.pragma('synchronous = NORMAL');
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // 8 MiB: the upper levels of the table and its indexes stay hot (about 1 MB of interior pages
  // at a million invoices); leaf pages come from the OS's cache. A first sync fills whatever cache
  // it is given (at 64 MiB that was a quarter of the process's peak), and 16 MiB of it kept a
  // million-invoice sync at 148-156 MB against 145-147 with 8 (issue 17 item 4, 7 December: five
  // rounds, each beside Node's defaults, with 4 MB semi-spaces: scripts/bundle.ts NODE_FLAGS).
  db.pragma('cache_size = -8192');
}

/**
 * Opens the database file at `path` (creating its directory), sets the pragmas the store runs
 * with and migrates it. Failures are classified (store-errors.ts) and the connection closed.
 */
export function openSqliteDatabase(path: string): { db: Db; version: number } {
  if (path !== ':memory:' && !path.startsWith('file:'))
    mkdirSync(dirname(resolve(path)), { recursive: true });
  let db: Db;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw classifyStoreError(err, path) ?? err;
  }
  try {
    setStorePragmas(db);
    const { to } = migrate(db);
    return { db, version: to };
  } catch (err) {
    db.close();
    throw classifyStoreError(err, path) ?? err;
  }
}
