import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database as Db } from 'better-sqlite3';
import type { StoreError } from './errors.ts';
import { classifyStoreError } from './store-errors.ts';

/** Below this much free space on the store's disk, /readyz says so before a write fails. */
const MIN_FREE_BYTES = 32 * 1024 * 1024;
/** quick_check reads every page: at most this often. */
const QUICK_CHECK_EVERY_MS = 10 * 60_000;

export interface StoreProblem {
  code: StoreError['code'];
  message: string;
}

const ROLLBACK = Symbol('rollback');

/**
 * The store's health for /readyz: it can be read, passes SQLite's quick check (cached for ten
 * minutes), can be written (a write rolled back), and its disk has room.
 */
export class SqliteHealth {
  #lastCheck = 0;
  #checkProblem: StoreProblem | undefined;

  constructor(
    private readonly db: Db,
    private readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  problems(): StoreProblem[] {
    const out: StoreProblem[] = [];
    const add = (err: unknown) => {
      const known = classifyStoreError(err, this.path);
      out.push(
        known
          ? { code: known.code, message: known.message }
          : { code: 'store_corrupt', message: String(err) },
      );
    };
    if (this.now() - this.#lastCheck >= QUICK_CHECK_EVERY_MS || this.#checkProblem) {
      try {
        const result = this.db.pragma('quick_check(1)', { simple: true });
        this.#checkProblem =
          result === 'ok'
            ? undefined
            : {
                code: 'store_corrupt',
                message:
                  classifyStoreError({ code: 'SQLITE_CORRUPT' }, this.path)!.message +
                  ` (quick_check: ${String(result)})`,
              };
      } catch (err) {
        const known = classifyStoreError(err, this.path);
        this.#checkProblem = { code: known?.code ?? 'store_corrupt', message: known?.message ?? String(err) };
      }
      this.#lastCheck = this.now();
    }
    if (this.#checkProblem) out.push(this.#checkProblem);
    const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    try {
      // Another writer holding the lock (a sync) is no problem: wait briefly, never 5 s.
      this.db.pragma('busy_timeout = 200');
      this.db.transaction(() => {
        this.db.prepare("UPDATE meta SET value = value WHERE key = 'seq'").run();
        throw ROLLBACK;
      })();
    } catch (err) {
      if (err !== ROLLBACK && (err as { code?: string }).code !== 'SQLITE_BUSY') add(err);
    } finally {
      this.db.pragma(`busy_timeout = ${timeout}`);
    }
    if (this.path !== ':memory:') {
      try {
        const fs = statfsSync(dirname(this.path));
        if (fs.bavail * fs.bsize < MIN_FREE_BYTES) {
          out.push({
            code: 'store_full',
            message: `Less than ${MIN_FREE_BYTES / 1024 / 1024} MiB free on the disk holding the store (${dirname(this.path)}): free space before a sync fails.`,
          });
        }
      } catch {}
    }
    return out;
  }
}
