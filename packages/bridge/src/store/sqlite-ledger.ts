import type { Database as Db } from 'better-sqlite3';
import {
  ANSWER_TTL_MS,
  type AttachmentDbRow,
  type AuditEntry,
  type AuditRow,
  type Ledger,
  type LedgerChange,
  type LedgerKind,
  type LedgerRecord,
  type LedgerTx,
  parseJsonColumn,
  type RecordRow,
  toAttachment,
  toRecord,
  VersionMismatch,
} from './ledger.ts';
import { parseRecord, storedAnswerSchema } from './record-schemas.ts';

/** The {@link Ledger} on the store's SQLite connection (tables of migration 8). */
export class SqliteLedger implements Ledger {
  readonly #clock: () => Date;
  readonly #sql;
  readonly #tx: LedgerTx;
  readonly #run;

  constructor(db: Db, clock: () => Date) {
    this.#clock = clock;
    this.#sql = {
      get: db.prepare<[string, string], RecordRow>('SELECT * FROM ledger_records WHERE kind = ? AND id = ?'),
      list: db.prepare<[string], RecordRow>(
        'SELECT * FROM ledger_records WHERE kind = ? AND deleted_at IS NULL ORDER BY created_at, id',
      ),
      listAll: db.prepare<[string], RecordRow>(
        'SELECT * FROM ledger_records WHERE kind = ? ORDER BY created_at, id',
      ),
      insert: db.prepare(
        'INSERT INTO ledger_records (kind, id, version, data, created_at, updated_at, deleted_at, seq) VALUES (?, ?, 1, ?, ?, ?, NULL, ?)',
      ),
      update: db.prepare(
        'UPDATE ledger_records SET version = version + 1, data = ?, updated_at = ?, deleted_at = ?, seq = ? WHERE kind = ? AND id = ?',
      ),
      nextSeq: db
        .prepare<[], number>("UPDATE meta SET value = value + 1 WHERE key = 'ledger_seq' RETURNING value")
        .pluck(),
      audit: db.prepare(
        'INSERT INTO audit_log (at, token, action, resource, resource_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      auditSince: db.prepare<[number, number], AuditRow>(
        'SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?',
      ),
      changes: db.prepare<[number, number], RecordRow>(
        'SELECT * FROM ledger_records WHERE seq > ? ORDER BY seq LIMIT ?',
      ),
      answer: db.prepare<[string, string], { fingerprint: string; answer: string; created_at: string }>(
        'SELECT fingerprint, answer, created_at FROM idempotency_keys WHERE token = ? AND key = ?',
      ),
      saveAnswer: db.prepare(
        'INSERT OR REPLACE INTO idempotency_keys (token, key, fingerprint, status, answer, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      pruneAnswers: db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?'),
      getSetting: db.prepare<[string], string>('SELECT value FROM ledger_settings WHERE key = ?').pluck(),
      putSetting: db.prepare(
        'INSERT INTO ledger_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      addAttachment: db.prepare(
        'INSERT INTO attachments (id, owner_kind, owner_id, sha256, filename, content_type, size, created_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)',
      ),
      attachment: db.prepare<[string], AttachmentDbRow>('SELECT * FROM attachments WHERE id = ?'),
      contents: db.prepare<[], { sha256: string }>('SELECT DISTINCT sha256 FROM attachments'),
      attachments: db.prepare<[string, string], AttachmentDbRow>(
        'SELECT * FROM attachments WHERE owner_kind = ? AND owner_id = ? AND deleted_at IS NULL ORDER BY created_at, id',
      ),
      deleteAttachment: db.prepare(
        'UPDATE attachments SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL',
      ),
    };
    this.#tx = this.#makeTx();
    this.#run = db.transaction((work: (tx: LedgerTx) => unknown) => work(this.#tx));
  }

  async transact<T>(work: (tx: LedgerTx) => T): Promise<T> {
    return this.#run.immediate(work) as T;
  }

  async read<T>(
    work: (tx: Pick<LedgerTx, 'get' | 'list' | 'answer' | 'getSetting' | 'attachment' | 'attachments'>) => T,
  ): Promise<T> {
    return work(this.#tx);
  }

  async audit(since: number, limit: number): Promise<AuditEntry[]> {
    return this.#sql.auditSince.all(since, limit).map((row) => ({
      seq: row.seq,
      at: row.at,
      token: row.token,
      action: row.action,
      resource: row.resource,
      resourceId: row.resource_id,
      before: parseJsonColumn(row.before),
      after: parseJsonColumn(row.after),
    }));
  }

  async attachmentContents(): Promise<Set<string>> {
    return new Set(this.#sql.contents.all().map((r) => r.sha256));
  }

  async changes(since: number, limit: number): Promise<LedgerChange[]> {
    return this.#sql.changes.all(since, limit).map((row) => {
      const record = toRecord(row);
      return { seq: row.seq, kind: row.deleted_at ? 'delete' : 'upsert', resource: row.kind, record };
    });
  }

  #makeTx(): LedgerTx {
    const sql = this.#sql;
    const now = () => this.#clock().toISOString();
    const get = (kind: LedgerKind, id: string) => {
      const row = sql.get.get(kind, id);
      return row && toRecord(row);
    };
    const audit: LedgerTx['audit'] = (token, action, resource, resourceId, before, after) => {
      sql.audit.run(
        now(),
        token,
        action,
        resource,
        resourceId,
        before === null || before === undefined ? null : JSON.stringify(before),
        after === null || after === undefined ? null : JSON.stringify(after),
      );
    };
    const change = (
      kind: LedgerKind,
      id: string,
      expected: number,
      token: string,
      action: string,
      next: (current: LedgerRecord) => { data: Record<string, unknown>; deletedAt: string | null },
    ) => {
      const current = get(kind, id);
      if (!current) throw new Error(`no ${kind} ${id}`);
      if (current.version !== expected) throw new VersionMismatch(current);
      const { data, deletedAt } = next(current);
      sql.update.run(JSON.stringify(data), now(), deletedAt, sql.nextSeq.get()!, kind, id);
      const after = get(kind, id)!;
      audit(token, action, kind, id, current, after);
      return after;
    };
    return {
      get,
      list: (kind, options = {}) => (options.includeDeleted ? sql.listAll : sql.list).all(kind).map(toRecord),
      insert: (kind, id, data, token) => {
        const at = now();
        sql.insert.run(kind, id, JSON.stringify(data), at, at, sql.nextSeq.get()!);
        const record = get(kind, id)!;
        audit(token, 'create', kind, id, null, record);
        return record;
      },
      update: (kind, id, expected, data, token) =>
        change(kind, id, expected, token, 'update', (current) => ({ data, deletedAt: current.deletedAt })),
      softDelete: (kind, id, expected, token) =>
        change(kind, id, expected, token, 'delete', (current) => ({ data: current.data, deletedAt: now() })),
      restore: (kind, id, expected, token) =>
        change(kind, id, expected, token, 'restore', (current) => ({ data: current.data, deletedAt: null })),
      audit,
      answer: (token, key) => {
        const row = sql.answer.get(token, key);
        if (!row) return undefined;
        if (Date.parse(row.created_at) < this.#clock().getTime() - ANSWER_TTL_MS) return undefined;
        return { fingerprint: row.fingerprint, answer: parseRecord(storedAnswerSchema, row.answer) };
      },
      saveAnswer: (token, key, fingerprint, answer) => {
        const at = this.#clock();
        sql.pruneAnswers.run(new Date(at.getTime() - ANSWER_TTL_MS).toISOString());
        sql.saveAnswer.run(token, key, fingerprint, answer.status, JSON.stringify(answer), at.toISOString());
      },
      getSetting: <T>(key: string) => {
        const value = sql.getSetting.get(key);
        return value === undefined ? undefined : (JSON.parse(value) as T);
      },
      putSetting: (key, value) => {
        sql.putSetting.run(key, JSON.stringify(value));
      },
      addAttachment: (row, token) => {
        sql.addAttachment.run(
          row.id,
          row.ownerKind,
          row.ownerId,
          row.sha256,
          row.filename,
          row.contentType,
          row.size,
          now(),
        );
        const made = toAttachment(sql.attachment.get(row.id)!);
        audit(token, 'attach', row.ownerKind, row.ownerId, null, made);
        return made;
      },
      attachment: (id) => {
        const row = sql.attachment.get(id);
        return row && toAttachment(row);
      },
      attachments: (ownerKind, ownerId) => sql.attachments.all(ownerKind, ownerId).map(toAttachment),
      deleteAttachment: (id, token) => {
        const before = sql.attachment.get(id);
        if (!before) throw new Error(`no attachment ${id}`);
        sql.deleteAttachment.run(now(), id);
        const after = toAttachment(sql.attachment.get(id)!);
        audit(token, 'detach', after.ownerKind, after.ownerId, toAttachment(before), after);
        return after;
      },
    };
  }
}
