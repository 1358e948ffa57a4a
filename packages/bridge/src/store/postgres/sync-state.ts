import type pg from 'pg';
import {
  type FullRunTally,
  type QuarantineEntry,
  type QuarantineRow,
  type StoredQuarantineEntry,
  toQuarantineEntry,
  type WalkState,
  walkStateSchema,
} from '../sync-state.ts';
import type { Queryable } from './pool.ts';

/** The engine's state between runs (walk state, quarantine) and the full run's evidence. */
export class PostgresSyncState {
  constructor(private readonly pool: pg.Pool) {}

  async saveWalkState(sourceId: string, state: WalkState): Promise<number> {
    const result = await this.pool.query('UPDATE sources SET walk_state = $1 WHERE id = $2', [
      JSON.stringify(walkStateSchema.parse(state)),
      sourceId,
    ]);
    return result.rowCount ?? 0;
  }

  /** Call inside the page's transaction. */
  async putQuarantine(
    client: pg.PoolClient,
    sourceId: string,
    entries: QuarantineEntry[],
    runId: string | null,
    at: string,
  ): Promise<void> {
    for (const e of entries) {
      await client.query(
        `INSERT INTO quarantine (source, ref, field, value, message, raw, run_id, first_seen_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         ON CONFLICT (source, ref) DO UPDATE SET field = excluded.field, value = excluded.value,
           message = excluded.message, raw = excluded.raw, run_id = excluded.run_id, last_seen_at = excluded.last_seen_at`,
        [sourceId, e.ref, e.field, e.value, e.message, JSON.stringify(e.raw), runId, at],
      );
    }
  }

  /** Rows stored fine leave the quarantine (WHMCS fixed them). */
  async release(client: pg.PoolClient, sourceId: string, refs: string[]): Promise<void> {
    await client.query('DELETE FROM quarantine WHERE source = $1 AND ref = ANY($2)', [sourceId, refs]);
  }

  async list(sourceId: string): Promise<StoredQuarantineEntry[]> {
    const { rows } = await this.pool.query<QuarantineRow>(
      'SELECT * FROM quarantine WHERE source = $1 ORDER BY length(ref), ref',
      [sourceId],
    );
    return rows.map(toQuarantineEntry);
  }

  async count(db: Queryable, sourceId: string): Promise<number> {
    const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM quarantine WHERE source = $1', [
      sourceId,
    ]);
    return rows[0]!.n;
  }

  async tally(sourceId: string, runId: string): Promise<FullRunTally> {
    const { rows } = await this.pool.query<FullRunTally>(
      `SELECT
         count(*) FILTER (WHERE seen_run = $1) AS "seen",
         count(*) FILTER (WHERE deleted_at IS NULL AND seen_run IS DISTINCT FROM $1) AS "unseenLive",
         count(*) FILTER (WHERE deleted_at IS NULL) AS "live",
         coalesce(max(id) FILTER (WHERE seen_run = $1), 0) AS "maxSeenId",
         coalesce(max(id) FILTER (WHERE deleted_at IS NULL), 0) AS "maxLiveId",
         (SELECT count(*) FROM quarantine WHERE source = $2 AND run_id = $1) AS "quarantinedSeen"
       FROM invoices WHERE source = $2`,
      [runId, sourceId],
    );
    return rows[0]!;
  }
}
