import type { Invoice, WireInvoice } from '@forecaster/whmcs-client';
import type { Migration } from './migrations.ts';
import { rawColumns } from './raw-record.ts';

/**
 * Migration 11: invoices in key order, the raw record once. The table is keyed by (source, id)
 * itself (WITHOUT ROWID): a page of /v1/invoices is one range of the table instead of a look-up
 * per row through a separate key index, and the key index is gone. The raw WHMCS record is no
 * longer stored beside the normalized one: it is derived from it (raw-record.ts), with only what
 * the derivation does not give stored (`raw`: the differing fields, or the whole record when
 * `raw_full`). The sha256 column is gone: a page is compared by its stored text, and the hash
 * the API shows is computed on read. Small columns first, the JSON last, so that reading the
 * keys does not step over the documents.
 */
export const invoicesV11Migration: Migration = {
  version: 11,
  name: 'invoices in key order, the raw record once',
  up(db) {
    const columns = (data: string, raw: string) =>
      rawColumns(JSON.parse(data) as Invoice, JSON.parse(raw) as WireInvoice);
    db.function('v11_raw', { deterministic: true }, (data, raw) => columns(String(data), String(raw)).raw);
    db.function('v11_full', { deterministic: true }, (data, raw) => columns(String(data), String(raw)).full);
    db.exec(`
      CREATE TABLE invoices_v11 (
        source       TEXT NOT NULL REFERENCES sources (id),
        id           INTEGER NOT NULL,
        status       TEXT NOT NULL,
        currency     TEXT NOT NULL,
        client_id    INTEGER NOT NULL,
        issue_date   TEXT,             -- YYYY-MM-DD
        due_date     TEXT,
        paid_date    TEXT,             -- the local date of paidAt (its first 10 characters)
        total_units  INTEGER NOT NULL, -- total at scale 4 (x 10,000), exact
        credit_units INTEGER NOT NULL,
        seq          INTEGER NOT NULL,
        deleted_at   TEXT,             -- set on a tombstone
        seen_run     TEXT,             -- the last full run that saw it
        raw_full     INTEGER NOT NULL DEFAULT 0 CHECK (raw_full IN (0, 1)),
        data         TEXT NOT NULL,    -- the normalized Invoice, JSON, as served
        raw          TEXT,             -- see raw-record.ts: null when derived exactly
        PRIMARY KEY (source, id)
      ) WITHOUT ROWID;
      INSERT INTO invoices_v11
        SELECT source, id, status, currency, client_id, issue_date, due_date, paid_date, total_units,
               credit_units, seq, deleted_at, seen_run, v11_full(data, raw), data, v11_raw(data, raw)
        FROM invoices ORDER BY source, id;
      DROP TABLE invoices;
      ALTER TABLE invoices_v11 RENAME TO invoices;
      CREATE UNIQUE INDEX invoices_seq ON invoices (seq);
      CREATE INDEX invoices_source_seq ON invoices (source, seq);
      CREATE INDEX invoices_live_status ON invoices (source, status, id, client_id) WHERE deleted_at IS NULL;
      CREATE INDEX invoices_client ON invoices (client_id);
    `);
  },
};
