import type { Database as Db } from 'better-sqlite3';
import { StoreError } from './errors.ts';
import {
  type AcquireResult,
  holderIsDead,
  type LeaseHolder,
  type LeaseRow,
  type SyncLease,
  toLease,
} from './lease.ts';

/** The `sync_leases` table: every decision is made inside an IMMEDIATE (write) transaction. */
export class SqliteLeases {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #sql;

  constructor(db: Db, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.#sql = {
      get: db.prepare<[string], LeaseRow>('SELECT * FROM sync_leases WHERE source = ?'),
      put: db.prepare<[string, string, number, string, string, number, number, number]>(
        `INSERT OR REPLACE INTO sync_leases (source, owner, pid, host, purpose, acquired_ms, heartbeat_ms, expires_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      renew: db.prepare<[number, number, string, string]>(
        'UPDATE sync_leases SET heartbeat_ms = ?, expires_ms = ? WHERE source = ? AND owner = ?',
      ),
      release: db.prepare<[string, string]>('DELETE FROM sync_leases WHERE source = ? AND owner = ?'),
      sourceExists: db.prepare<[string], number>('SELECT 1 FROM sources WHERE id = ?').pluck(),
    };
  }

  acquire(sourceId: string, holder: LeaseHolder, ttlMs: number): AcquireResult {
    return this.#db
      .transaction((): AcquireResult => {
        if (this.#sql.sourceExists.get(sourceId) === undefined)
          throw new StoreError(
            'unknown_source',
            `Unknown source "${sourceId}": register it with upsertSource() first`,
          );
        const now = this.#now();
        const row = this.#sql.get.get(sourceId);
        // Taken over only when its holder cannot be writing any more: the lease ran out
        // without a heartbeat, or its process is gone from this host.
        if (row && row.owner !== holder.owner && row.expires_ms > now && !holderIsDead(row)) {
          return { acquired: false, heldBy: toLease(row) };
        }
        const acquired = row && row.owner === holder.owner ? row.acquired_ms : now;
        this.#sql.put.run(
          sourceId,
          holder.owner,
          holder.pid,
          holder.host,
          holder.purpose,
          acquired,
          now,
          now + ttlMs,
        );
        return { acquired: true, lease: toLease(this.#sql.get.get(sourceId)!) };
      })
      .immediate();
  }

  renew(sourceId: string, owner: string, ttlMs: number): boolean {
    const now = this.#now();
    return this.#sql.renew.run(now, now + ttlMs, sourceId, owner).changes === 1;
  }

  release(sourceId: string, owner: string): void {
    this.#sql.release.run(sourceId, owner);
  }

  get(sourceId: string): SyncLease | undefined {
    const row = this.#sql.get.get(sourceId);
    return row && toLease(row);
  }

  /** Call inside the write transaction: a writer that lost its lease must not write. */
  assertHeld(sourceId: string, owner: string): void {
    const row = this.#sql.get.get(sourceId);
    if (row?.owner === owner) return;
    throw new StoreError(
      'lease_lost',
      row
        ? `Source "${sourceId}" is now synced by pid ${row.pid} on ${row.host} (${row.purpose}): this run lost its lease and stopped writing`
        : `Source "${sourceId}": this run's lease was released; it stopped writing`,
    );
  }
}
