import type { Database as Db } from 'better-sqlite3';
import {
  auditedManagedSource,
  type KeptAnswer,
  type ManagedAudit,
  type ManagedSourceRow,
  type ManagedSourceStore,
  type ManagedSourceTableRow,
  ManagedVersionMismatch,
  toManagedSource,
} from './managed-sources.ts';

/** The {@link ManagedSourceStore} on the store's SQLite connection (migrations 8 and 9). */
export function createSqliteManagedSources(db: Db, clock: () => Date): ManagedSourceStore {
  const sql = {
    list: db.prepare<[], ManagedSourceTableRow>('SELECT * FROM managed_sources ORDER BY created_at, id'),
    get: db.prepare<[string], ManagedSourceTableRow>('SELECT * FROM managed_sources WHERE id = ?'),
    insert: db.prepare(
      'INSERT INTO managed_sources (id, version, settings, secrets, key_id, disabled, created_at, updated_at) VALUES (?, 1, ?, ?, ?, 0, ?, ?)',
    ),
    update: db.prepare(
      'UPDATE managed_sources SET version = version + 1, settings = ?, secrets = ?, key_id = ?, disabled = ?, archived_at = ?, updated_at = ? WHERE id = ? AND version = ?',
    ),
    remove: db.prepare('DELETE FROM managed_sources WHERE id = ? AND version = ?'),
    saveAnswer: db.prepare(
      'INSERT OR REPLACE INTO idempotency_keys (token, key, fingerprint, status, answer, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    audit: db.prepare(
      'INSERT INTO audit_log (at, token, action, resource, resource_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
  };
  const now = () => clock().toISOString();
  const get = (id: string) => {
    const r = sql.get.get(id);
    return r && toManagedSource(r);
  };
  const audit = (who: ManagedAudit, id: string, before?: ManagedSourceRow, after?: ManagedSourceRow) => {
    const text = (row: ManagedSourceRow | undefined) =>
      row ? JSON.stringify(auditedManagedSource(row)) : null;
    sql.audit.run(now(), who.token, who.action, 'source', id, text(before), text(after));
  };
  const current = (id: string, expected: number) => {
    const row = get(id);
    if (!row) throw new Error(`no managed source ${id}`);
    if (row.version !== expected) throw new ManagedVersionMismatch(row);
    return row;
  };
  const write = (row: ManagedSourceRow, next: Partial<ManagedSourceRow>) => {
    const merged = { ...row, ...next };
    sql.update.run(
      JSON.stringify(merged.settings),
      merged.sealed,
      merged.keyId,
      merged.disabled ? 1 : 0,
      merged.archivedAt,
      now(),
      row.id,
      row.version,
    );
    return get(row.id)!;
  };
  const tx = <A extends unknown[], T>(work: (...args: A) => T) => {
    const run = db.transaction(work);
    return async (...args: A): Promise<T> => run.immediate(...args);
  };

  return {
    list: async () => sql.list.all().map(toManagedSource),
    get: async (id) => get(id),
    insert: tx(
      (
        row: Pick<ManagedSourceRow, 'id' | 'settings' | 'sealed' | 'keyId'>,
        who: ManagedAudit,
        kept?: KeptAnswer,
      ) => {
        const at = now();
        sql.insert.run(row.id, JSON.stringify(row.settings), row.sealed, row.keyId, at, at);
        const made = get(row.id)!;
        audit(who, row.id, undefined, made);
        if (kept) {
          const answer = kept.answer(made);
          sql.saveAnswer.run(
            kept.token,
            kept.key,
            kept.fingerprint,
            answer.status,
            JSON.stringify(answer),
            at,
          );
        }
        return made;
      },
    ),
    update: tx(
      (
        id: string,
        expected: number,
        change: { settings?: Record<string, unknown>; sealed?: Buffer; keyId?: string; disabled?: boolean },
        who: ManagedAudit,
      ) => {
        const before = current(id, expected);
        const after = write(before, change);
        audit(who, id, before, after);
        return after;
      },
    ),
    archive: tx((id: string, expected: number, who: ManagedAudit) => {
      const before = current(id, expected);
      const after = write(before, {
        sealed: Buffer.alloc(0),
        keyId: '',
        disabled: true,
        archivedAt: now(),
      });
      audit(who, id, before, after);
      return after;
    }),
    remove: tx((id: string, expected: number, who: ManagedAudit) => {
      const before = current(id, expected);
      sql.remove.run(id, expected);
      audit(who, id, before, undefined);
    }),
    reseal: tx((reseal: (row: ManagedSourceRow) => { sealed: Buffer; keyId: string }, who: ManagedAudit) => {
      let count = 0;
      for (const row of sql.list.all().map(toManagedSource)) {
        if (row.archivedAt) continue;
        const next = reseal(row);
        write(row, next);
        count++;
      }
      sql.audit.run(now(), who.token, who.action, 'source', '*', null, JSON.stringify({ resealed: count }));
      return count;
    }),
  };
}
