import type pg from 'pg';
import { StoreError } from '../errors.ts';
import { LOCK } from './pool.ts';
import { WHMCS_ORDER_INDEXES } from './whmcs-order.ts';

/**
 * One step of the PostgreSQL schema's history. The history is the SQLite one (store/
 * migrations.ts) step for step: the same versions and names, each step written for this
 * dialect, so that one version number means one schema whichever engine holds it
 * (postgres-migrations.test.ts holds the two lists equal). Steps are append-only.
 */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

/*
 * Text columns that are compared or ordered (source ids, statuses) use the "C" collation:
 * byte order, as SQLite's BINARY, whatever the database's default locale, so that keyset
 * cursors in (source, id) order mean the same on both engines.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'sources, invoices and the change sequence',
    sql: `
      -- Store-wide counters; 'seq' is locked by every writer until it commits (see store.ts).
      CREATE TABLE meta (
        key   text PRIMARY KEY,
        value bigint NOT NULL
      );
      INSERT INTO meta (key, value) VALUES ('seq', 0);

      CREATE TABLE sources (
        id               text COLLATE "C" PRIMARY KEY,
        name             text NOT NULL,
        failing          boolean NOT NULL DEFAULT false,
        last_error       text,
        last_full        text,
        last_incremental text,
        checkpoint       text
      );

      CREATE TABLE invoices (
        source       text COLLATE "C" NOT NULL REFERENCES sources (id),
        id           bigint NOT NULL CHECK (id > 0),
        status       text COLLATE "C" NOT NULL,
        currency     text COLLATE "C" NOT NULL,
        client_id    bigint NOT NULL,
        issue_date   text COLLATE "C",
        due_date     text COLLATE "C",
        paid_date    text COLLATE "C",
        total_units  bigint NOT NULL, -- scale 4 (decimal(16,2) x 10,000 fits in 63 bits)
        credit_units bigint NOT NULL,
        data         text NOT NULL,   -- the normalized Invoice, JSON text as served
        raw          text NOT NULL,   -- the WHMCS record, exactly JSON.stringify(raw)
        hash         text NOT NULL,
        seq          bigint NOT NULL,
        deleted_at   text,
        seen_run     text,
        PRIMARY KEY (source, id)
      );
      CREATE UNIQUE INDEX invoices_seq ON invoices (seq);
    `,
  },
  {
    version: 2,
    name: 'indexes for the open set and client filters',
    sql: `
      CREATE INDEX invoices_live_status ON invoices (source, status, id) INCLUDE (client_id) WHERE deleted_at IS NULL;
      CREATE INDEX invoices_client ON invoices (client_id);
    `,
  },
  {
    version: 3,
    name: 'monthly revenue summary',
    sql: `
      -- numeric: exact at any magnitude, so cells are added in SQL (SQLite keeps text for this).
      CREATE TABLE revenue_monthly (
        month    text COLLATE "C" NOT NULL,
        currency text COLLATE "C" NOT NULL,
        source   text COLLATE "C" NOT NULL REFERENCES sources (id),
        measure  text NOT NULL,
        units    numeric NOT NULL,
        count    bigint NOT NULL CHECK (count >= 0),
        PRIMARY KEY (month, currency, source, measure)
      );
    `,
  },
  {
    version: 4,
    name: 'per-source change feed index',
    sql: 'CREATE INDEX invoices_source_seq ON invoices (source, seq);',
  },
  {
    version: 5,
    name: 'sync leases, walk state, quarantine, revenue sums as exact text',
    sql: `
      CREATE TABLE sync_leases (
        source       text COLLATE "C" PRIMARY KEY REFERENCES sources (id),
        owner        text NOT NULL,
        pid          integer NOT NULL,
        host         text NOT NULL,
        purpose      text NOT NULL,
        acquired_ms  bigint NOT NULL,
        heartbeat_ms bigint NOT NULL,
        expires_ms   bigint NOT NULL
      );
      ALTER TABLE sources ADD COLUMN walk_state text;
      CREATE TABLE quarantine (
        source        text COLLATE "C" NOT NULL REFERENCES sources (id),
        ref           text COLLATE "C" NOT NULL,
        field         text NOT NULL,
        value         text,
        message       text NOT NULL,
        raw           text NOT NULL,
        run_id        text,
        first_seen_at text NOT NULL,
        last_seen_at  text NOT NULL,
        PRIMARY KEY (source, ref)
      );
      -- (revenue_monthly.units is numeric since version 3: nothing to widen here.)
    `,
  },
  {
    version: 6,
    name: 'login gate and facade ban list',
    sql: `
      CREATE TABLE login_gate (
        source_id            text PRIMARY KEY,
        accepted_fingerprint text,
        refused_fingerprint  text,
        refusal              text,
        last_failed_login_at text,
        probe_permit         text,
        probe_until          text
      );
      CREATE TABLE facade_failures (
        n  bigserial PRIMARY KEY,
        ip text NOT NULL,
        at bigint NOT NULL
      );
      CREATE INDEX facade_failures_ip ON facade_failures (ip, at);
      CREATE INDEX facade_failures_at ON facade_failures (at);
      CREATE TABLE facade_bans (
        ip    text PRIMARY KEY,
        until bigint NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'issued forecasts',
    sql: `
      CREATE TABLE issued_forecasts (
        id          bigserial PRIMARY KEY,
        issued_at   text NOT NULL,
        as_of       text NOT NULL,
        data_as_of  text NOT NULL,
        sources     text COLLATE "C" NOT NULL,
        method      text NOT NULL,
        version     text NOT NULL,
        body        text NOT NULL,
        UNIQUE (as_of, sources, version)
      );
      CREATE INDEX issued_forecasts_sources ON issued_forecasts (sources, id);
    `,
  },
  {
    version: 8,
    name: 'commitments, costs, audit log, idempotency, managed sources',
    sql: `
      INSERT INTO meta (key, value) VALUES ('ledger_seq', 0);
      CREATE TABLE ledger_records (
        kind       text NOT NULL CHECK (kind IN ('counterparty', 'commitment', 'cost_entry')),
        id         text COLLATE "C" NOT NULL,
        version    integer NOT NULL CHECK (version >= 1),
        data       text NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        updated_at text NOT NULL,
        deleted_at text,
        seq        bigint NOT NULL,
        PRIMARY KEY (kind, id)
      );
      CREATE UNIQUE INDEX ledger_records_seq ON ledger_records (seq);
      CREATE TABLE audit_log (
        seq         bigserial PRIMARY KEY,
        at          text NOT NULL,
        token       text NOT NULL,
        action      text NOT NULL,
        resource    text NOT NULL,
        resource_id text NOT NULL,
        before      text,
        after       text
      );
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TABLE idempotency_keys (
        token       text NOT NULL,
        key         text NOT NULL,
        fingerprint text NOT NULL,
        status      integer NOT NULL,
        answer      text NOT NULL,
        created_at  text NOT NULL,
        PRIMARY KEY (token, key)
      );
      CREATE TABLE ledger_settings (
        key   text PRIMARY KEY,
        value text NOT NULL
      );
      CREATE TABLE attachments (
        id           text PRIMARY KEY,
        owner_kind   text NOT NULL,
        owner_id     text NOT NULL,
        sha256       text NOT NULL,
        filename     text NOT NULL,
        content_type text NOT NULL,
        size         bigint NOT NULL,
        created_at   text NOT NULL,
        deleted_at   text
      );
      CREATE INDEX attachments_owner ON attachments (owner_kind, owner_id);
      CREATE INDEX attachments_sha256 ON attachments (sha256);
      CREATE TABLE managed_sources (
        id         text PRIMARY KEY,
        version    integer NOT NULL,
        settings   text NOT NULL,
        secrets    bytea NOT NULL,
        key_id     text NOT NULL,
        disabled   boolean NOT NULL DEFAULT false,
        created_at text NOT NULL,
        updated_at text NOT NULL
      );
    `,
  },
  {
    version: 9,
    name: 'archived managed sources',
    sql: 'ALTER TABLE managed_sources ADD COLUMN archived_at text;',
  },
  {
    version: 10,
    name: 'kept backtests',
    sql: `
      CREATE TABLE forecast_backtests (
        sources     text COLLATE "C" PRIMARY KEY,
        computed_at text NOT NULL,
        data_as_of  text NOT NULL,
        origins     integer NOT NULL CHECK (origins >= 1),
        version     text NOT NULL,
        groups      text NOT NULL
      );
    `,
  },
  {
    version: 11,
    name: 'invoices in key order, the raw record once',
    // PostgreSQL already keys the table by (source, id) and keeps the whole raw record (raw_full
    // 1, the default) with its hash: the columns SQLite's format needs, so that one row format
    // reads on both.
    sql: `
      ALTER TABLE invoices ALTER COLUMN raw DROP NOT NULL;
      ALTER TABLE invoices ADD COLUMN raw_full smallint NOT NULL DEFAULT 1 CHECK (raw_full IN (0, 1));
    `,
  },
  {
    version: 12,
    name: 'only the indexes the queries read',
    // The twin of SQLite's (lean-indexes-migration.ts): the change feed reads each source's seq
    // range from invoices_source_seq and merges them. invoices_live_status stays here: it is the
    // index PostgreSQL reads the facade's order by status and the open set from.
    sql: 'DROP INDEX invoices_seq;',
  },
  {
    version: 15,
    name: "indexes for the WHMCS facade's orders",
    // The twin of SQLite's (whmcs-order-migration.ts): the expressions and NULLS placement of
    // postgres/whmcs-order.ts, so that reading an order walks an index instead of sorting.
    sql: WHMCS_ORDER_INDEXES,
  },
  {
    version: 16,
    name: 'attachment bytes in the database (PostgreSQL)',
    // Every bridge on the database serves every upload (postgres/attachment-blobs.ts). PDFs and
    // images are compressed already: EXTERNAL stores them out of line without trying again.
    sql: `
      CREATE TABLE attachment_blobs (
        sha256  text COLLATE "C" PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size    integer NOT NULL CHECK (size >= 0),
        bytes   bytea NOT NULL,
        pins    integer NOT NULL DEFAULT 0 CHECK (pins >= 0),
        held_at text NOT NULL
      );
      ALTER TABLE attachment_blobs ALTER COLUMN bytes SET STORAGE EXTERNAL;
    `,
  },
  {
    version: 17,
    name: "invoices' JSON as JSONB",
    // SQLite's step (jsonb-data-migration.ts) stores the served JSON in SQLite's binary form and
    // reads it back as the same text. PostgreSQL's jsonb does not keep the text (it orders keys
    // and drops duplicates), so the served bytes stay text here; the step keeps the histories
    // equal.
    sql: 'SELECT 1;',
  },
];

export const POSTGRES_LATEST_VERSION = POSTGRES_MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings the database up to the last step, one transaction per step, under a session advisory
 * lock: bridges that start together migrate once, the others wait and then find nothing to do.
 * Refuses a database a newer build has migrated past what this code knows.
 */
export async function migratePostgres(
  pool: pg.Pool,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
  now: () => Date = () => new Date(),
): Promise<{ from: number; to: number }> {
  const latest = migrations.at(-1)?.version ?? 0;
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK.migrate]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at text NOT NULL
      )`);
      const applied = async () =>
        new Set(
          (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
            (r) => r.version,
          ),
        );
      const done = await applied();
      const from = Math.max(0, ...done);
      if (from > latest) throw tooNew(from, latest);
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [m.version, m.name, now().toISOString()],
          );
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
      return { from, to: Math.max(0, ...(await applied())) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK.migrate]);
    }
  } finally {
    client.release();
  }
}

function tooNew(found: number, known: number): StoreError {
  return new StoreError(
    'schema_too_new',
    `The PostgreSQL database is at schema version ${found}, but this build of Forecaster Bridge knows versions up to ${known}. ` +
      'It was written by a newer release: run that release (or a newer one) against it, or point the bridge at another database.',
  );
}
