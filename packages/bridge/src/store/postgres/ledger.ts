import type pg from 'pg';
import {
  ANSWER_TTL_MS,
  type AttachmentDbRow,
  type AttachmentRow,
  type AuditEntry,
  type AuditRow,
  type Ledger,
  type LedgerChange,
  type LedgerKind,
  type LedgerRecord,
  type LedgerTx,
  parseJsonColumn,
  type RecordRow,
  type StoredAnswer,
  toAttachment,
  toRecord,
  VersionMismatch,
} from '../ledger.ts';
import { ledgerDataSchema, parseRecord, storedAnswerSchema } from '../record-schemas.ts';
import { compareBinary } from '../records.ts';
import { LOCK, lockFor, type Queryable, transaction } from './pool.ts';

const text = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
const key = (kind: string, id: string) => `${kind}\u0000${id}`;

/** What one transaction read and what it will write. */
interface Snapshot {
  records: Map<string, LedgerRecord>;
  settings: Map<string, string>;
  answers: Map<string, { fingerprint: string; answer: StoredAnswer; createdAt: string }>;
  seq: number;
  dirty: Set<string>;
  inserted: Set<string>;
  audits: Array<[string, string, string, string, string, string | null, string | null]>;
  savedAnswers: Array<[string, string, string, number, string, string]>;
  savedSettings: Map<string, string>;
  attachments: Map<string, AttachmentRow>;
  /** Attachments added (true) or changed (false) by this transaction. */
  attachmentsDirty: Map<string, boolean>;
}

/**
 * The {@link Ledger} on PostgreSQL. `LedgerTx` is synchronous (the SQLite ledger runs its work
 * inside one better-sqlite3 transaction), so here a transaction takes the ledger's advisory lock,
 * reads the ledger's rows (records, settings, unexpired stored answers) into memory, runs the
 * work against them, and writes what it changed before it commits: the same serializable
 * behaviour across every bridge on the database. Its cost grows with the ledger (commitments and
 * costs entered by people: hundreds to a few thousand rows), not with the invoices.
 */
export class PostgresLedger implements Ledger {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: () => Date,
  ) {}

  transact<T>(work: (tx: LedgerTx) => T): Promise<T> {
    return transaction(this.pool, async (client) => {
      await lockFor(client, LOCK.ledger);
      const snapshot = await this.#load(client);
      const result = work(this.#tx(snapshot));
      await this.#flush(client, snapshot);
      return result;
    });
  }

  read<T>(
    work: (tx: Pick<LedgerTx, 'get' | 'list' | 'answer' | 'getSetting' | 'attachment' | 'attachments'>) => T,
  ): Promise<T> {
    return transaction(
      this.pool,
      async (client) => work(this.#tx(await this.#load(client))),
      'REPEATABLE READ',
    );
  }

  async audit(since: number, limit: number): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<AuditRow>(
      'SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2',
      [since, limit],
    );
    return rows.map((row) => ({
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
    const { rows } = await this.pool.query<{ sha256: string }>('SELECT DISTINCT sha256 FROM attachments');
    return new Set(rows.map((r) => r.sha256));
  }

  async changes(since: number, limit: number): Promise<LedgerChange[]> {
    const { rows } = await this.pool.query<RecordRow>(
      'SELECT * FROM ledger_records WHERE seq > $1 ORDER BY seq LIMIT $2',
      [since, limit],
    );
    return rows.map((row) => ({
      seq: row.seq,
      kind: row.deleted_at ? 'delete' : 'upsert',
      resource: row.kind,
      record: toRecord(row),
    }));
  }

  async #load(db: Queryable): Promise<Snapshot> {
    const oldest = new Date(this.clock().getTime() - ANSWER_TTL_MS).toISOString();
    const [records, settings, answers, seq, attachments] = await Promise.all([
      db.query<RecordRow>('SELECT * FROM ledger_records ORDER BY created_at, id'),
      db.query<{ key: string; value: string }>('SELECT key, value FROM ledger_settings'),
      db.query<{ token: string; key: string; fingerprint: string; answer: string; created_at: string }>(
        'SELECT token, key, fingerprint, answer, created_at FROM idempotency_keys WHERE created_at >= $1',
        [oldest],
      ),
      db.query<{ value: number }>("SELECT value FROM meta WHERE key = 'ledger_seq'"),
      db.query<AttachmentDbRow>('SELECT * FROM attachments ORDER BY created_at, id'),
    ]);
    return {
      records: new Map(records.rows.map((r) => [key(r.kind, r.id), toRecord(r)])),
      settings: new Map(settings.rows.map((r) => [r.key, r.value])),
      answers: new Map(
        answers.rows.map((r) => [
          key(r.token, r.key),
          {
            fingerprint: r.fingerprint,
            answer: parseRecord(storedAnswerSchema, r.answer),
            createdAt: r.created_at,
          },
        ]),
      ),
      seq: seq.rows[0]!.value,
      dirty: new Set(),
      inserted: new Set(),
      audits: [],
      savedAnswers: [],
      savedSettings: new Map(),
      attachments: new Map(attachments.rows.map((r) => [r.id, toAttachment(r)])),
      attachmentsDirty: new Map(),
    };
  }

  #tx(s: Snapshot): LedgerTx {
    const now = () => this.clock().toISOString();
    const get = (kind: LedgerKind, id: string) => {
      const record = s.records.get(key(kind, id));
      return record && structuredClone(record);
    };
    const audit: LedgerTx['audit'] = (token, action, resource, resourceId, before, after) => {
      s.audits.push([now(), token, action, resource, resourceId, text(before), text(after)]);
    };
    const put = (record: LedgerRecord, inserted: boolean) => {
      const k = key(record.kind, record.id);
      s.records.set(k, record);
      s.dirty.add(k);
      if (inserted) s.inserted.add(k);
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
      const after: LedgerRecord = {
        ...current,
        version: current.version + 1,
        data: parseRecord(ledgerDataSchema, JSON.stringify(data)),
        updatedAt: now(),
        deletedAt,
        seq: ++s.seq,
      };
      put(after, false);
      audit(token, action, kind, id, current, after);
      return structuredClone(after);
    };
    return {
      get,
      list: (kind, options = {}) =>
        [...s.records.values()]
          .filter((r) => r.kind === kind && (options.includeDeleted || r.deletedAt === null))
          .sort((a, b) => compareBinary(a.createdAt, b.createdAt) || compareBinary(a.id, b.id))
          .map((r) => structuredClone(r)),
      insert: (kind, id, data, token) => {
        const at = now();
        if (s.records.has(key(kind, id))) throw new Error(`${kind} ${id} exists`);
        const record: LedgerRecord = {
          kind,
          id,
          version: 1,
          data: parseRecord(ledgerDataSchema, JSON.stringify(data)),
          createdAt: at,
          updatedAt: at,
          deletedAt: null,
          seq: ++s.seq,
        };
        put(record, true);
        audit(token, 'create', kind, id, null, record);
        return structuredClone(record);
      },
      update: (kind, id, expected, data, token) =>
        change(kind, id, expected, token, 'update', (current) => ({ data, deletedAt: current.deletedAt })),
      softDelete: (kind, id, expected, token) =>
        change(kind, id, expected, token, 'delete', (current) => ({ data: current.data, deletedAt: now() })),
      restore: (kind, id, expected, token) =>
        change(kind, id, expected, token, 'restore', (current) => ({ data: current.data, deletedAt: null })),
      audit,
      answer: (token, k) => {
        const found = s.answers.get(key(token, k));
        if (!found) return undefined;
        if (Date.parse(found.createdAt) < this.clock().getTime() - ANSWER_TTL_MS) return undefined;
        return { fingerprint: found.fingerprint, answer: structuredClone(found.answer) };
      },
      saveAnswer: (token, k, fingerprint, answer) => {
        const at = now();
        s.answers.set(key(token, k), { fingerprint, answer, createdAt: at });
        s.savedAnswers.push([token, k, fingerprint, answer.status, JSON.stringify(answer), at]);
      },
      getSetting: <T>(k: string) => {
        const value = s.settings.get(k);
        return value === undefined ? undefined : (JSON.parse(value) as T);
      },
      putSetting: (k, value) => {
        const encoded = JSON.stringify(value);
        s.settings.set(k, encoded);
        s.savedSettings.set(k, encoded);
      },
      addAttachment: (row, token) => {
        if (s.attachments.has(row.id)) throw new Error(`attachment ${row.id} exists`);
        const made: AttachmentRow = { ...row, createdAt: now(), deletedAt: null };
        s.attachments.set(row.id, made);
        s.attachmentsDirty.set(row.id, true);
        audit(token, 'attach', row.ownerKind, row.ownerId, null, made);
        return { ...made };
      },
      attachment: (id) => {
        const found = s.attachments.get(id);
        return found && { ...found };
      },
      attachments: (ownerKind, ownerId) =>
        [...s.attachments.values()]
          .filter((a) => a.ownerKind === ownerKind && a.ownerId === ownerId && a.deletedAt === null)
          .sort((a, b) => compareBinary(a.createdAt, b.createdAt) || compareBinary(a.id, b.id))
          .map((a) => ({ ...a })),
      deleteAttachment: (id, token) => {
        const before = s.attachments.get(id);
        if (!before) throw new Error(`no attachment ${id}`);
        const after = before.deletedAt ? before : { ...before, deletedAt: now() };
        s.attachments.set(id, after);
        if (!s.attachmentsDirty.has(id)) s.attachmentsDirty.set(id, false);
        audit(token, 'detach', after.ownerKind, after.ownerId, before, after);
        return { ...after };
      },
    };
  }

  async #flush(client: pg.PoolClient, s: Snapshot): Promise<void> {
    for (const k of s.dirty) {
      const r = s.records.get(k)!;
      const values = [
        r.kind,
        r.id,
        r.version,
        JSON.stringify(r.data),
        r.createdAt,
        r.updatedAt,
        r.deletedAt,
        r.seq,
      ];
      await client.query(
        s.inserted.has(k)
          ? `INSERT INTO ledger_records (kind, id, version, data, created_at, updated_at, deleted_at, seq)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
          : `UPDATE ledger_records SET version = $3, data = $4, created_at = $5, updated_at = $6, deleted_at = $7, seq = $8
             WHERE kind = $1 AND id = $2`,
        values,
      );
    }
    for (const [id, added] of s.attachmentsDirty) {
      const a = s.attachments.get(id)!;
      await client.query(
        added
          ? `INSERT INTO attachments (id, owner_kind, owner_id, sha256, filename, content_type, size, created_at, deleted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
          : 'UPDATE attachments SET deleted_at = $2 WHERE id = $1',
        added
          ? [
              a.id,
              a.ownerKind,
              a.ownerId,
              a.sha256,
              a.filename,
              a.contentType,
              a.size,
              a.createdAt,
              a.deletedAt,
            ]
          : [a.id, a.deletedAt],
      );
    }
    for (const a of s.audits) {
      await client.query(
        'INSERT INTO audit_log (at, token, action, resource, resource_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        a,
      );
    }
    if (s.savedAnswers.length > 0) {
      await client.query('DELETE FROM idempotency_keys WHERE created_at < $1', [
        new Date(this.clock().getTime() - ANSWER_TTL_MS).toISOString(),
      ]);
      for (const a of s.savedAnswers) {
        await client.query(
          `INSERT INTO idempotency_keys (token, key, fingerprint, status, answer, created_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (token, key) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status,
             answer = excluded.answer, created_at = excluded.created_at`,
          a,
        );
      }
    }
    for (const [k, value] of s.savedSettings) {
      await client.query(
        'INSERT INTO ledger_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [k, value],
      );
    }
    await client.query("UPDATE meta SET value = $1 WHERE key = 'ledger_seq'", [s.seq]);
  }
}
