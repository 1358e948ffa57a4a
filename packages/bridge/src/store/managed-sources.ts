import type { StoredAnswer } from './ledger.ts';

/*
 * Sources created through the API (issue 14): their settings as JSON, their secrets sealed
 * (AES-256-GCM, sources/secret-box.ts; this layer never sees plaintext), versioned for If-Match,
 * and audited in the same transaction as the change.
 */

export interface ManagedSourceRow {
  id: string;
  /** Starts at 1; every change adds one. The API's ETag. */
  version: number;
  /** Everything but the secrets (URL, identifier, time zone, ...), as the API validated it. */
  settings: Record<string, unknown>;
  /** Sealed secrets; empty once archived. */
  sealed: Buffer;
  /** The id of the key that sealed them; empty once archived. */
  keyId: string;
  disabled: boolean;
  /** Set when deleted with its invoices kept: no secret, never synced again. */
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Who made a change, for the audit log (the token's name, never the token). */
export interface ManagedAudit {
  token: string;
  action: string;
}

/** Thrown when the row is not at the version the writer read (412 in the API). */
export class ManagedVersionMismatch extends Error {
  override name = 'ManagedVersionMismatch';
  constructor(readonly current: ManagedSourceRow) {
    super(`the source is at version ${current.version}`);
  }
}

/**
 * The answer to a create sent with an Idempotency-Key, kept in the same transaction as the row:
 * a retry after a lost answer (or a crash after the commit) is answered it, never `id_taken`.
 */
export interface KeptAnswer {
  token: string;
  key: string;
  fingerprint: string;
  answer: (made: ManagedSourceRow) => StoredAnswer;
}

export interface ManagedSourceStore {
  list(): Promise<ManagedSourceRow[]>;
  get(id: string): Promise<ManagedSourceRow | undefined>;
  insert(
    row: Pick<ManagedSourceRow, 'id' | 'settings' | 'sealed' | 'keyId'>,
    audit: ManagedAudit,
    answer?: KeptAnswer,
  ): Promise<ManagedSourceRow>;
  /** Replaces settings (and the sealed secrets when given) at `expected`; throws ManagedVersionMismatch. */
  update(
    id: string,
    expected: number,
    change: { settings?: Record<string, unknown>; sealed?: Buffer; keyId?: string; disabled?: boolean },
    audit: ManagedAudit,
  ): Promise<ManagedSourceRow>;
  /** Keeps the row (and so its invoices' source) with its secrets erased; never synced again. */
  archive(id: string, expected: number, audit: ManagedAudit): Promise<ManagedSourceRow>;
  /** Deletes the row. */
  remove(id: string, expected: number, audit: ManagedAudit): Promise<void>;
  /**
   * Re-seals every row in ONE transaction: either every row is under the new key or none is
   * (a crash mid-way rolls back). `reseal` gets each sealed row and answers its new sealing.
   */
  reseal(
    reseal: (row: ManagedSourceRow) => { sealed: Buffer; keyId: string },
    audit: ManagedAudit,
  ): Promise<number>;
}

/** A `managed_sources` row as both engines keep it (`disabled` 0/1 in SQLite, boolean in PostgreSQL). */
export interface ManagedSourceTableRow {
  id: string;
  version: number;
  settings: string;
  secrets: Buffer;
  key_id: string;
  disabled: number | boolean;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

export const toManagedSource = (r: ManagedSourceTableRow): ManagedSourceRow => ({
  id: r.id,
  version: r.version,
  settings: JSON.parse(r.settings) as Record<string, unknown>,
  sealed: Buffer.from(r.secrets),
  keyId: r.key_id,
  disabled: r.disabled === 1 || r.disabled === true,
  archivedAt: r.archived_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** What the audit log keeps of a row: never the sealed secrets (nor anything derived from them). */
export const auditedManagedSource = (row: ManagedSourceRow | undefined) =>
  row && {
    id: row.id,
    version: row.version,
    settings: row.settings,
    disabled: row.disabled,
    archivedAt: row.archivedAt,
    keyId: row.keyId,
  };
