import type { Migration } from './migrations.ts';

/**
 * Version 8 (issue 14): the write side. Counterparties, commitments and cost entries share one
 * table of versioned JSON records (their shapes live in the API's zod schemas), with a change
 * sequence of their own for `/v1/ledger/changes`; an append-only audit log; stored answers of
 * idempotent POSTs; settings; attachments' metadata (the files are content-addressed on disk);
 * and the sources managed through the API, their secrets encrypted.
 */
export const ledgerMigration: Migration = {
  version: 8,
  name: 'commitments, costs, audit log, idempotency, managed sources',
  up(db) {
    db.exec(`
      INSERT INTO meta (key, value) VALUES ('ledger_seq', 0);

      CREATE TABLE ledger_records (
        kind       TEXT NOT NULL CHECK (kind IN ('counterparty', 'commitment', 'cost_entry')),
        id         TEXT NOT NULL,
        version    INTEGER NOT NULL CHECK (version >= 1),
        data       TEXT NOT NULL CHECK (json_valid(data)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT,
        seq        INTEGER NOT NULL,
        PRIMARY KEY (kind, id)
      );
      CREATE UNIQUE INDEX ledger_records_seq ON ledger_records (seq);

      -- Append-only: the triggers refuse any change to a written row.
      CREATE TABLE audit_log (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        token       TEXT NOT NULL,
        action      TEXT NOT NULL,
        resource    TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        before      TEXT CHECK (before IS NULL OR json_valid(before)),
        after       TEXT CHECK (after IS NULL OR json_valid(after))
      );
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      CREATE TABLE idempotency_keys (
        token       TEXT NOT NULL,
        key         TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status      INTEGER NOT NULL,
        answer      TEXT NOT NULL CHECK (json_valid(answer)),
        created_at  TEXT NOT NULL,
        PRIMARY KEY (token, key)
      ) WITHOUT ROWID;

      CREATE TABLE ledger_settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value))
      ) WITHOUT ROWID;

      CREATE TABLE attachments (
        id           TEXT PRIMARY KEY,
        owner_kind   TEXT NOT NULL,
        owner_id     TEXT NOT NULL,
        sha256       TEXT NOT NULL,
        filename     TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size         INTEGER NOT NULL,
        created_at   TEXT NOT NULL,
        deleted_at   TEXT
      );
      CREATE INDEX attachments_owner ON attachments (owner_kind, owner_id);
      CREATE INDEX attachments_sha256 ON attachments (sha256);

      -- Sources created through the API. 'secrets' is AES-256-GCM ciphertext (never plaintext),
      -- under the key whose fingerprint is 'key_id'.
      CREATE TABLE managed_sources (
        id         TEXT PRIMARY KEY,
        version    INTEGER NOT NULL,
        settings   TEXT NOT NULL CHECK (json_valid(settings)),
        secrets    BLOB NOT NULL,
        key_id     TEXT NOT NULL,
        disabled   INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `);
  },
};
