import type { Database as Db } from 'better-sqlite3';
import {
  type FullRunTally,
  type QuarantineEntry,
  type QuarantineRow,
  type StoredQuarantineEntry,
  toQuarantineEntry,
  type WalkState,
  walkStateSchema,
} from './sync-state.ts';

/** The engine's state between runs (walk state, quarantine) and the full run's evidence. */
export class SqliteSyncState {
  readonly #sql;

  constructor(db: Db) {
    this.#sql = {
      saveWalkState: db.prepare<[string, string]>('UPDATE sources SET walk_state = ? WHERE id = ?'),
      putQuarantine: db.prepare<
        [string, string, string, string | null, string, string, string | null, string, string]
      >(
        `INSERT INTO quarantine (source, ref, field, value, message, raw, run_id, first_seen_at, last_seen_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (source, ref) DO UPDATE SET field = excluded.field, value = excluded.value,
           message = excluded.message, raw = excluded.raw, run_id = excluded.run_id, last_seen_at = excluded.last_seen_at`,
      ),
      dropQuarantine: db.prepare<[string, string]>('DELETE FROM quarantine WHERE source = ? AND ref = ?'),
      listQuarantine: db.prepare<[string], QuarantineRow>(
        'SELECT * FROM quarantine WHERE source = ? ORDER BY length(ref), ref',
      ),
      countQuarantine: db
        .prepare<[string], number>('SELECT count(*) FROM quarantine WHERE source = ?')
        .pluck(),
      quarantinedInRun: db
        .prepare<[string, string], number>('SELECT count(*) FROM quarantine WHERE source = ? AND run_id = ?')
        .pluck(),
      tally: db.prepare<[string, string, string, string], Omit<FullRunTally, 'quarantinedSeen'>>(
        `SELECT
           count(*) FILTER (WHERE seen_run = ?) AS seen,
           count(*) FILTER (WHERE deleted_at IS NULL AND seen_run IS NOT ?) AS unseenLive,
           count(*) FILTER (WHERE deleted_at IS NULL) AS live,
           coalesce(max(id) FILTER (WHERE seen_run = ?), 0) AS maxSeenId,
           coalesce(max(id) FILTER (WHERE deleted_at IS NULL), 0) AS maxLiveId
         FROM invoices WHERE source = ?`,
      ),
    };
  }

  saveWalkState(sourceId: string, state: WalkState): number {
    return this.#sql.saveWalkState.run(JSON.stringify(walkStateSchema.parse(state)), sourceId).changes;
  }

  /** Call inside the page's transaction. */
  putQuarantine(sourceId: string, entries: QuarantineEntry[], runId: string | null, at: string): void {
    for (const e of entries) {
      this.#sql.putQuarantine.run(
        sourceId,
        e.ref,
        e.field,
        e.value,
        e.message,
        JSON.stringify(e.raw),
        runId,
        at,
        at,
      );
    }
  }

  /** A row stored fine leaves the quarantine (WHMCS fixed it). */
  release(sourceId: string, ref: string): void {
    this.#sql.dropQuarantine.run(sourceId, ref);
  }

  list(sourceId: string): StoredQuarantineEntry[] {
    return this.#sql.listQuarantine.all(sourceId).map(toQuarantineEntry);
  }

  count(sourceId: string): number {
    return this.#sql.countQuarantine.get(sourceId)!;
  }

  tally(sourceId: string, runId: string): FullRunTally {
    const row = this.#sql.tally.get(runId, runId, runId, sourceId)!;
    return { ...row, quarantinedSeen: this.#sql.quarantinedInRun.get(sourceId, runId)! };
  }
}
