import type { Database as Db } from 'better-sqlite3';
import { attachmentBlobsMigration } from './attachment-blobs-migration.ts';
import { backtestMigration } from './backtest-migration.ts';
import { banMigration } from './ban-migration.ts';
import { StoreError } from './errors.ts';
import { forecastMigration } from './forecast-migration.ts';
import { invoicesV11Migration } from './invoices-v11-migration.ts';
import { jsonbDataMigration } from './jsonb-data-migration.ts';
import { leanIndexesMigration } from './lean-indexes-migration.ts';
import { ledgerMigration } from './ledger-migration.ts';
import { managedSourcesMigration } from './managed-sources-migration.ts';
import { rebuildRevenue } from './revenue.ts';
import { whmcsOrderMigration } from './whmcs-order-migration.ts';

/**
 * One step of the schema's history. Steps are append-only: a released step is never edited,
 * a change is a new step. Each runs in its own transaction, so an upgrade interrupted half way
 * leaves the database at the last whole step and is simply resumed at the next open.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sources, invoices and the change sequence',
    up(db) {
      db.exec(`
        -- Store-wide counters; 'seq' is the change sequence handed out inside write transactions.
        CREATE TABLE meta (
          key   TEXT PRIMARY KEY,
          value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO meta (key, value) VALUES ('seq', 0);

        CREATE TABLE sources (
          id               TEXT PRIMARY KEY,
          name             TEXT NOT NULL,
          failing          INTEGER NOT NULL DEFAULT 0 CHECK (failing IN (0, 1)),
          last_error       TEXT CHECK (last_error IS NULL OR json_valid(last_error)),
          last_full        TEXT CHECK (last_full IS NULL OR json_valid(last_full)),
          last_incremental TEXT CHECK (last_incremental IS NULL OR json_valid(last_incremental)),
          checkpoint       TEXT CHECK (checkpoint IS NULL OR json_valid(checkpoint))
        );

        -- A rowid table with (source, id) as a unique index: rows carry two JSON documents
        -- (about 1.5 KB), and WITHOUT ROWID measured no faster (slower at 4 KiB pages, where such
        -- rows spill to overflow pages), while every secondary index would carry the text key
        -- instead of an 8-byte rowid.
        CREATE TABLE invoices (
          source       TEXT NOT NULL REFERENCES sources (id),
          id           INTEGER NOT NULL,
          status       TEXT NOT NULL,
          currency     TEXT NOT NULL,
          client_id    INTEGER NOT NULL,
          issue_date   TEXT,          -- YYYY-MM-DD
          due_date     TEXT,
          paid_date    TEXT,          -- the local date of paidAt (its first 10 characters)
          total_units  INTEGER NOT NULL, -- total at scale 4 (x 10,000), exact
          credit_units INTEGER NOT NULL,
          data         TEXT NOT NULL, -- the normalized Invoice, JSON
          raw          TEXT NOT NULL, -- the WHMCS record, exactly JSON.stringify(raw)
          hash         TEXT NOT NULL, -- sha256 hex of raw
          seq          INTEGER NOT NULL,
          deleted_at   TEXT,          -- set on a tombstone
          seen_run     TEXT           -- the last full run that saw it
        );
        CREATE UNIQUE INDEX invoices_key ON invoices (source, id);
        CREATE UNIQUE INDEX invoices_seq ON invoices (seq);
      `);
    },
  },
  {
    version: 2,
    name: 'indexes for the open set and client filters',
    up(db) {
      db.exec(`
        -- The incremental sync's open set and countsByStatus read only this (covering) index.
        CREATE INDEX invoices_live_status ON invoices (source, status, id, client_id) WHERE deleted_at IS NULL;
        CREATE INDEX invoices_client ON invoices (client_id);
      `);
    },
  },
  {
    version: 3,
    name: 'monthly revenue summary',
    up(db) {
      db.exec(`
        -- Maintained inside every write transaction (see revenue.ts for what each measure means),
        -- so that revenue() reads a few thousand cells instead of every invoice.
        CREATE TABLE revenue_monthly (
          month    TEXT NOT NULL, -- YYYY-MM
          currency TEXT NOT NULL,
          source   TEXT NOT NULL REFERENCES sources (id),
          measure  TEXT NOT NULL,
          units    INTEGER NOT NULL, -- scale 4
          count    INTEGER NOT NULL CHECK (count >= 0),
          PRIMARY KEY (month, currency, source, measure)
        ) WITHOUT ROWID;
      `);
      rebuildRevenue(db);
    },
  },
  {
    version: 4,
    name: 'per-source change feed index',
    up(db) {
      db.exec(`
        -- changes() for some sources only: one seq range per source instead of a walk over
        -- every other source's changes (the API always names the sources it reads).
        CREATE INDEX invoices_source_seq ON invoices (source, seq);
      `);
    },
  },
  {
    version: 5,
    name: 'sync leases, walk state, quarantine, revenue sums as exact text',
    up(db) {
      db.exec(`
        -- One syncing process per source, across processes (and, on PostgreSQL, across hosts):
        -- taken and renewed in write transactions; times are epoch milliseconds.
        CREATE TABLE sync_leases (
          source       TEXT PRIMARY KEY REFERENCES sources (id),
          owner        TEXT NOT NULL,    -- random per engine: a pid alone is reused
          pid          INTEGER NOT NULL,
          host         TEXT NOT NULL,
          purpose      TEXT NOT NULL,    -- 'serve', 'sync', ...
          acquired_ms  INTEGER NOT NULL,
          heartbeat_ms INTEGER NOT NULL,
          expires_ms   INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- What the engine must remember between runs beyond the checkpoint (the floor of an
        -- unfinished newest-first walk, the orphan count of the last complete full walk).
        ALTER TABLE sources ADD COLUMN walk_state TEXT CHECK (walk_state IS NULL OR json_valid(walk_state));

        -- Rows WHMCS sent that cannot be stored as they are: kept raw, listed, never blocking the rest.
        CREATE TABLE quarantine (
          source        TEXT NOT NULL REFERENCES sources (id),
          ref           TEXT NOT NULL,   -- the invoice id as WHMCS sent it (it may be 0, negative, text)
          field         TEXT NOT NULL,
          value         TEXT,
          message       TEXT NOT NULL,
          raw           TEXT NOT NULL,
          run_id        TEXT,
          first_seen_at TEXT NOT NULL,
          last_seen_at  TEXT NOT NULL,
          PRIMARY KEY (source, ref)
        ) WITHOUT ROWID;

        -- Sums of decimal(16,2) amounts outgrow 64-bit integers at scale 4 (two invoices of
        -- 900 trillion): the cells hold the exact integer as text, added with BigInt.
        CREATE TABLE revenue_monthly_v5 (
          month    TEXT NOT NULL,
          currency TEXT NOT NULL,
          source   TEXT NOT NULL REFERENCES sources (id),
          measure  TEXT NOT NULL,
          units    TEXT NOT NULL CHECK (units GLOB '[0-9-]*'), -- scale 4, exact
          count    INTEGER NOT NULL CHECK (count >= 0),
          PRIMARY KEY (month, currency, source, measure)
        ) WITHOUT ROWID;
        INSERT INTO revenue_monthly_v5 SELECT month, currency, source, measure, CAST(units AS TEXT), count FROM revenue_monthly;
        DROP TABLE revenue_monthly;
        ALTER TABLE revenue_monthly_v5 RENAME TO revenue_monthly;
      `);
    },
  },
  // Numbers are reserved per change and may land out of order: versions ascend, with gaps.
  banMigration,
  forecastMigration,
  ledgerMigration,
  managedSourcesMigration,
  backtestMigration,
  invoicesV11Migration,
  leanIndexesMigration,
  whmcsOrderMigration,
  attachmentBlobsMigration,
  jsonbDataMigration,
];

export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** The version a database is at (0 for a new one). */
export function schemaVersion(db: Db): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return 0;
  return (db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number | null) ?? 0;
}

/**
 * Brings the database up to the last of `migrations`, one transaction per step. Refuses a
 * database that a newer build has already migrated past what this code knows: running old
 * code against a newer schema could corrupt it silently.
 */
export function migrate(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => Date = () => new Date(),
): { from: number; to: number } {
  checkOrder(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const from = schemaVersion(db);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const isApplied = db.prepare<[number], number>('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const step = db.transaction((m: Migration) => {
    // Another process may have applied it since we looked: check again under the write lock.
    if (isApplied.get(m.version) !== undefined) return;
    m.up(db);
    record.run(m.version, m.name, now().toISOString());
  });
  if (from > latest) throw tooNew(db, from, latest);
  // Every step not applied yet, even below the current version: reserved numbers land out of order.
  for (const m of migrations) if (isApplied.get(m.version) === undefined) step.immediate(m);
  const to = schemaVersion(db);
  if (to > latest) throw tooNew(db, to, latest);
  return { from, to };
}

function tooNew(db: Db, found: number, known: number): StoreError {
  return new StoreError(
    'schema_too_new',
    `The database ${db.name} is at schema version ${found}, but this build of Forecaster Bridge knows versions up to ${known}. ` +
      'It was written by a newer release: run that release (or a newer one), or point the bridge at another database file.',
  );
}

/*
 * Versions are reserved per feature and may land out of order (8 before 5): they must be
 * strictly increasing, not contiguous.
 */
function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    const previous = i === 0 ? 0 : migrations[i - 1]!.version;
    if (!Number.isInteger(m.version) || m.version <= previous)
      throw new Error(`migration "${m.name}" has version ${m.version}, expected one above ${previous}`);
  });
}
