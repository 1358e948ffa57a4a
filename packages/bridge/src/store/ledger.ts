import { ledgerDataSchema, parseRecord, type StoredAnswer } from './record-schemas.ts';
/*
 * The write side's storage (issue 14): versioned records of counterparties, commitments and
 * cost entries, an append-only audit log, a change feed of its own, and the answers of
 * idempotent requests. Every change happens inside `transact`, so that a record, its audit
 * entry, its feed position and the stored answer of the request that made it commit together
 * or not at all.
 */

export type LedgerKind = 'counterparty' | 'commitment' | 'cost_entry';

export interface LedgerRecord<T = Record<string, unknown>> {
  kind: LedgerKind;
  id: string;
  /** Starts at 1; every change adds one. The API's ETag. */
  version: number;
  data: T;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  /** Position in the ledger's change feed of the record's last change. */
  seq: number;
}

export type AuditAction = 'create' | 'update' | 'delete' | 'restore' | string;

export interface AuditEntry {
  seq: number;
  at: string;
  /** The name of the token that made the change (never the token). */
  token: string;
  action: AuditAction;
  resource: string;
  resourceId: string;
  before: unknown;
  after: unknown;
}

export interface LedgerChange {
  seq: number;
  kind: 'upsert' | 'delete';
  resource: LedgerKind;
  record: LedgerRecord;
}

/** The first answer to an idempotent request, replayed for a repeat of its key. */
export type { StoredAnswer };

/** Thrown by a write whose expected version is not the record's (412 in the API). */
export class VersionMismatch extends Error {
  override name = 'VersionMismatch';
  constructor(readonly current: LedgerRecord) {
    super(`the record is at version ${current.version}`);
  }
}

/** An attachment's metadata; its bytes are content-addressed in the data directory. */
export interface AttachmentRow {
  /** Random, not guessable. */
  id: string;
  ownerKind: 'commitment' | 'cost_entry';
  ownerId: string;
  sha256: string;
  filename: string;
  contentType: string;
  size: number;
  createdAt: string;
  deletedAt: string | null;
}

/** An attachments row as both engines store it. */
export interface AttachmentDbRow {
  id: string;
  owner_kind: AttachmentRow['ownerKind'];
  owner_id: string;
  sha256: string;
  filename: string;
  content_type: string;
  size: number;
  created_at: string;
  deleted_at: string | null;
}

export const toAttachment = (r: AttachmentDbRow): AttachmentRow => ({
  id: r.id,
  ownerKind: r.owner_kind,
  ownerId: r.owner_id,
  sha256: r.sha256,
  filename: r.filename,
  contentType: r.content_type,
  size: Number(r.size),
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
});

/** A transaction's view: reads see its own writes. */
export interface LedgerTx {
  get(kind: LedgerKind, id: string): LedgerRecord | undefined;
  list(kind: LedgerKind, options?: { includeDeleted?: boolean }): LedgerRecord[];
  insert(kind: LedgerKind, id: string, data: Record<string, unknown>, token: string): LedgerRecord;
  /** Replaces the data; throws VersionMismatch unless the record is at `expected`. */
  update(
    kind: LedgerKind,
    id: string,
    expected: number,
    data: Record<string, unknown>,
    token: string,
  ): LedgerRecord;
  softDelete(kind: LedgerKind, id: string, expected: number, token: string): LedgerRecord;
  restore(kind: LedgerKind, id: string, expected: number, token: string): LedgerRecord;
  /** An audit entry for a change that is not a record's (settings, sources, attachments). */
  audit(
    token: string,
    action: AuditAction,
    resource: string,
    resourceId: string,
    before: unknown,
    after: unknown,
  ): void;
  answer(token: string, key: string): { fingerprint: string; answer: StoredAnswer } | undefined;
  saveAnswer(token: string, key: string, fingerprint: string, answer: StoredAnswer): void;
  getSetting<T>(key: string): T | undefined;
  putSetting(key: string, value: unknown): void;
  addAttachment(row: Omit<AttachmentRow, 'createdAt' | 'deletedAt'>, token: string): AttachmentRow;
  attachment(id: string): AttachmentRow | undefined;
  /** Live attachments of a record, oldest first. */
  attachments(ownerKind: AttachmentRow['ownerKind'], ownerId: string): AttachmentRow[];
  deleteAttachment(id: string, token: string): AttachmentRow;
}

export interface Ledger {
  /** Runs `work` in one write transaction (rolled back if it throws). */
  transact<T>(work: (tx: LedgerTx) => T): Promise<T>;
  /** A read-only view (no transaction needed for single reads). */
  read<T>(
    work: (tx: Pick<LedgerTx, 'get' | 'list' | 'answer' | 'getSetting' | 'attachment' | 'attachments'>) => T,
  ): Promise<T>;
  audit(since: number, limit: number): Promise<AuditEntry[]>;
  changes(since: number, limit: number): Promise<LedgerChange[]>;
  /** Every file content (SHA-256) an attachment row names, removed ones included. */
  attachmentContents(): Promise<Set<string>>;
}

/** A `ledger_records` row, as both engines keep it. */
export interface RecordRow {
  kind: LedgerKind;
  id: string;
  version: number;
  data: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  seq: number;
}

/** An `audit_log` row. */
export interface AuditRow {
  seq: number;
  at: string;
  token: string;
  action: string;
  resource: string;
  resource_id: string;
  before: string | null;
  after: string | null;
}

/** Stored answers older than this are forgotten (a client retries within minutes, not days). */
export const ANSWER_TTL_MS = 7 * 24 * 3_600_000;

export const toRecord = (row: RecordRow): LedgerRecord => ({
  kind: row.kind,
  id: row.id,
  version: row.version,
  data: parseRecord(ledgerDataSchema, row.data),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deletedAt: row.deleted_at,
  seq: row.seq,
});

export const parseJsonColumn = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
