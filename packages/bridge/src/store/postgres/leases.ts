import type pg from 'pg';
import { StoreError } from '../errors.ts';
import {
  type AcquireResult,
  holderIsDead,
  type LeaseHolder,
  type LeaseRow,
  type SyncLease,
  toLease,
} from '../lease.ts';
import { unknownSource } from '../records.ts';
import { LOCK, lockFor, type Queryable, transaction } from './pool.ts';

/*
 * The `sync_leases` table on PostgreSQL: leadership per source across every bridge on the
 * database. Each decision runs under the source's advisory transaction lock, so two bridges
 * deciding at once are serialized; every fenced write re-reads the row (FOR SHARE) inside its
 * own transaction, so a bridge that lost the lease cannot commit a page after the take-over.
 * Expiry compares the bridges' clocks: run them under NTP (skew shortens or lengthens a
 * take-over, it never lets two write, because writes are fenced by owner, not by time).
 */
export class PostgresLeases {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number,
  ) {}

  acquire(sourceId: string, holder: LeaseHolder, ttlMs: number): Promise<AcquireResult> {
    return transaction(this.pool, async (client) => {
      await lockFor(client, LOCK.lease, sourceId);
      const exists = await client.query('SELECT 1 FROM sources WHERE id = $1', [sourceId]);
      if (exists.rowCount === 0) throw unknownSource(sourceId);
      const now = this.now();
      const row = await this.#get(client, sourceId);
      if (row && row.owner !== holder.owner && row.expires_ms > now && !holderIsDead(row)) {
        return { acquired: false, heldBy: toLease(row) };
      }
      const acquired = row && row.owner === holder.owner ? row.acquired_ms : now;
      const { rows } = await client.query<LeaseRow>(
        `INSERT INTO sync_leases (source, owner, pid, host, purpose, acquired_ms, heartbeat_ms, expires_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (source) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host,
           purpose = excluded.purpose, acquired_ms = excluded.acquired_ms, heartbeat_ms = excluded.heartbeat_ms,
           expires_ms = excluded.expires_ms
         RETURNING *`,
        [sourceId, holder.owner, holder.pid, holder.host, holder.purpose, acquired, now, now + ttlMs],
      );
      return { acquired: true, lease: toLease(rows[0]!) };
    });
  }

  async renew(sourceId: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const result = await this.pool.query(
      'UPDATE sync_leases SET heartbeat_ms = $1, expires_ms = $2 WHERE source = $3 AND owner = $4',
      [now, now + ttlMs, sourceId, owner],
    );
    return result.rowCount === 1;
  }

  async release(sourceId: string, owner: string): Promise<void> {
    await this.pool.query('DELETE FROM sync_leases WHERE source = $1 AND owner = $2', [sourceId, owner]);
  }

  async get(sourceId: string): Promise<SyncLease | undefined> {
    const row = await this.#get(this.pool, sourceId);
    return row && toLease(row);
  }

  /**
   * Call inside the write transaction: a writer that lost its lease must not write. FOR SHARE
   * holds the row until commit, so a take-over waits for the page in flight instead of
   * overlapping it.
   */
  async assertHeld(client: pg.PoolClient, sourceId: string, owner: string): Promise<void> {
    const { rows } = await client.query<LeaseRow>('SELECT * FROM sync_leases WHERE source = $1 FOR SHARE', [
      sourceId,
    ]);
    const row = rows[0];
    if (row?.owner === owner) return;
    throw new StoreError(
      'lease_lost',
      row
        ? `Source "${sourceId}" is now synced by pid ${row.pid} on ${row.host} (${row.purpose}): this run lost its lease and stopped writing`
        : `Source "${sourceId}": this run's lease was released; it stopped writing`,
    );
  }

  async #get(db: Queryable, sourceId: string): Promise<LeaseRow | undefined> {
    const { rows } = await db.query<LeaseRow>('SELECT * FROM sync_leases WHERE source = $1', [sourceId]);
    return rows[0];
  }
}
