import { json, mustExist, toSourceRecord } from './records.ts';
import type { Statements } from './sqlite-statements.ts';
import type { SourceError, SourceRecord, SyncCheckpoint, SyncRunResult } from './types.ts';

/** The `sources` rows of the SQLite store: registration, checkpoints, run results, failing. */
export class SqliteSources {
  constructor(readonly sql: Statements) {}

  upsert(source: { id: string; name: string }): void {
    this.sql.upsertSource.run(source.id, source.name);
  }

  get(id: string): SourceRecord | undefined {
    const row = this.sql.getSource.get(id);
    return row && toSourceRecord(row);
  }

  list(): SourceRecord[] {
    return this.sql.listSources.all().map(toSourceRecord);
  }

  saveCheckpoint(sourceId: string, checkpoint: SyncCheckpoint | null): void {
    mustExist(this.sql.saveCheckpoint.run(json(checkpoint), sourceId).changes, sourceId);
  }

  recordRun(sourceId: string, run: SyncRunResult): void {
    const statement = run.mode === 'full' ? this.sql.recordFull : this.sql.recordIncremental;
    const params = {
      id: sourceId,
      run: JSON.stringify(run),
      ok: run.result === 'ok' ? 1 : 0,
      error: json(run.error),
    };
    mustExist(statement.run(params).changes, sourceId);
  }

  /** `null` lifts the failing state; the last error stays on record until a run succeeds. */
  setFailing(sourceId: string, error: SourceError | null): void {
    mustExist(this.sql.setFailing.run(error ? 1 : 0, json(error), sourceId).changes, sourceId);
  }
}
