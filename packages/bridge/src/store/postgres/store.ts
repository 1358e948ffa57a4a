import { hash as digest } from 'node:crypto';
import {
  type Invoice,
  type InvoiceStatus,
  invoiceStatusSchema,
  type WireInvoice,
} from '@forecaster/whmcs-client';
import type pg from 'pg';
import type { AttachmentBytes } from '../attachment-bytes.ts';
import type { BanLedger } from '../ban-ledger.ts';
import { classifiedPostgresStore } from '../classified-store.ts';
import type { ForecastLog } from '../forecast-log.ts';
import { invoiceConditions, POSTGRES_DIALECT } from '../invoice-filter-sql.ts';
import type { AcquireResult, LeaseHolder, SyncLease } from '../lease.ts';
import type { Ledger } from '../ledger.ts';
import type { LedgerColumnsOptions, LedgerColumnsRead } from '../ledger-columns-read.ts';
import type { LoginGate } from '../login-gate.ts';
import type { ManagedSourceStore } from '../managed-sources.ts';
import {
  type ChangeRow,
  checkRow,
  exactAmounts,
  type InvoiceRow,
  json,
  monthOf,
  mustExist,
  pageSize,
  type SourceRow,
  toChangeEntry,
  toChangeJson,
  toRevenueRow,
  toSourceRecord,
  toStored,
  unknownSource,
} from '../records.ts';
import { type Measure, RevenueDelta, sumCells } from '../revenue.ts';
import type {
  FullRunTally,
  PageWriteOptions,
  QuarantineEntry,
  StoredQuarantineEntry,
  WalkState,
} from '../sync-state.ts';
import type {
  ApplyPageResult,
  ChangeEntry,
  ChangeJson,
  FetchedInvoice,
  InvoiceCursor,
  InvoiceFilter,
  InvoiceJson,
  RevenueQuery,
  RevenueRow,
  SourceError,
  SourceRecord,
  Store,
  StoredInvoice,
  SyncCheckpoint,
  SyncRunResult,
  WhmcsOrder,
  WhmcsOrderChanges,
  WhmcsOrderQuery,
} from '../types.ts';
import { postgresAttachmentBlobs } from './attachment-blobs.ts';
import { createPostgresBanLedger } from './ban-ledger.ts';
import { createPostgresForecastLog } from './forecast-log.ts';
import { type PendingRow, upsertInvoices, writeRevenue } from './invoice-writes.ts';
import { PostgresLeases } from './leases.ts';
import { PostgresLedger } from './ledger.ts';
import { readPostgresLedgerColumns } from './ledger-columns.ts';
import { createPostgresLoginGate } from './login-gate.ts';
import { createPostgresManagedSources } from './managed-sources.ts';
import { migratePostgres, POSTGRES_LATEST_VERSION } from './migrations.ts';
import { createPool, type PoolOptions, transaction } from './pool.ts';
import { PostgresSyncState } from './sync-state.ts';
import { sourceSeq, whmcsOrder, whmcsOrderChanges, whmcsRows } from './whmcs-order.ts';

export interface PostgresStoreOptions extends PoolOptions {
  /** Stamps tombstones and leases; tests pass a fixed one. */
  clock?: () => Date;
}

/** The {@link Store} on PostgreSQL, for several bridges on one database. */
export interface PostgresStore extends Store {
  readonly kind: 'postgres';
  readonly schemaVersion: number;
}

const STATUSES = invoiceStatusSchema.options;

const SOURCE_COLUMNS = `s.*, (SELECT max(id) FROM invoices WHERE source = s.id) AS hwm,
  (SELECT count(*) FROM quarantine WHERE source = s.id) AS quarantined`;

interface ExistingRow {
  id: number;
  hash: string;
  deleted_at: string | null;
  seen_run: string | null;
}

/**
 * The change feed: $1 since, $2 limit, $3 the sources (null: every one), in one statement (one
 * snapshot). As SQLite's (records.ts, changesBySource): the page's seqs first, each source's own
 * seq range read from invoices_source_seq alone and merged by seq; then only the page's rows,
 * each source's range up to its last seq in the page. The LIMIT there keeps that read one range
 * of the index (as a join, the planner may walk the whole index instead).
 *
 * The sources are an array: the planner counts 10 rows for its unnest, where it counts hundreds
 * for a sources table with no statistics yet. Reading the table priced the plan past
 * jit_above_cost, compiled on every call: on 300,000 invoices not analyzed yet, 70-120 ms a
 * page against 3-10 ms. (The pool now turns JIT off on its connections, pool.ts; a plan priced
 * right is still the one chosen right.)
 */
export const CHANGES_SQL = `WITH page AS (
    SELECT c.source, c.seq
    FROM unnest(ARRAY(SELECT id FROM sources WHERE $3::text[] IS NULL OR id = ANY($3::text[]))) s (id)
    CROSS JOIN LATERAL (
      SELECT source, seq FROM invoices WHERE source = s.id AND seq > $1 ORDER BY seq LIMIT $2
    ) c
    ORDER BY c.seq LIMIT $2
  ), ranges AS (SELECT source, max(seq) AS last FROM page GROUP BY source)
  SELECT c.source, c.id, c.seq, c.data, c.deleted_at
  FROM ranges r CROSS JOIN LATERAL (
    SELECT source, id, seq, data, deleted_at FROM invoices
    WHERE source = r.source AND seq > $1 AND seq <= r.last ORDER BY seq LIMIT $2
  ) c
  ORDER BY c.seq`;

/**
 * Opens the PostgreSQL store at `url`, migrating the database first (under an advisory lock:
 * bridges that start together migrate once).
 *
 * @example const store = await openPostgresStore({ url: process.env.DATABASE_URL! })
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = createPool(options);
  try {
    const { to } = await migratePostgres(pool);
    if (to !== POSTGRES_LATEST_VERSION)
      throw new Error(`schema at ${to}, expected ${POSTGRES_LATEST_VERSION}`);
    return classifiedPostgresStore(new PostgresStoreImpl(pool, to, options.clock ?? (() => new Date())));
  } catch (err) {
    await pool.end();
    throw err;
  }
}

class PostgresStoreImpl implements PostgresStore {
  readonly kind = 'postgres';
  readonly #pool: pg.Pool;
  readonly #clock: () => Date;
  readonly #leases: PostgresLeases;
  readonly #syncState: PostgresSyncState;
  readonly ledger: Ledger;
  readonly loginGate: LoginGate;
  readonly facadeBans: BanLedger;
  readonly forecasts: ForecastLog;
  readonly managedSources: ManagedSourceStore;
  #closed = false;

  constructor(
    pool: pg.Pool,
    readonly schemaVersion: number,
    clock: () => Date,
  ) {
    this.#pool = pool;
    this.#clock = clock;
    this.#leases = new PostgresLeases(pool, () => clock().getTime());
    this.#syncState = new PostgresSyncState(pool);
    this.ledger = new PostgresLedger(pool, clock);
    this.loginGate = createPostgresLoginGate(pool, clock);
    this.facadeBans = createPostgresBanLedger(pool);
    this.forecasts = createPostgresForecastLog(pool, clock);
    this.managedSources = createPostgresManagedSources(pool, clock);
  }

  attachmentBytes(dataDir: string): AttachmentBytes {
    return postgresAttachmentBlobs(this.#pool, dataDir, this.#clock);
  }

  // Sources

  async upsertSource(source: { id: string; name: string }): Promise<void> {
    await this.#pool.query(
      'INSERT INTO sources (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
      [source.id, source.name],
    );
  }

  async getSource(id: string): Promise<SourceRecord | undefined> {
    const { rows } = await this.#pool.query<SourceRow>(
      `SELECT ${SOURCE_COLUMNS} FROM sources s WHERE s.id = $1`,
      [id],
    );
    return rows[0] && toSourceRecord(rows[0]);
  }

  async listSources(): Promise<SourceRecord[]> {
    const { rows } = await this.#pool.query<SourceRow>(
      `SELECT ${SOURCE_COLUMNS} FROM sources s ORDER BY s.id`,
    );
    return rows.map(toSourceRecord);
  }

  async saveCheckpoint(sourceId: string, checkpoint: SyncCheckpoint | null): Promise<void> {
    const result = await this.#pool.query('UPDATE sources SET checkpoint = $1 WHERE id = $2', [
      json(checkpoint),
      sourceId,
    ]);
    mustExist(result.rowCount ?? 0, sourceId);
  }

  /** A successful run clears the failure state; a failed one leaves its error as the last error. */
  async recordRun(sourceId: string, run: SyncRunResult): Promise<void> {
    const column = run.mode === 'full' ? 'last_full' : 'last_incremental';
    const result = await this.#pool.query(
      `UPDATE sources SET ${column} = $1,
         failing = CASE WHEN $2 THEN false ELSE failing END,
         last_error = CASE WHEN $2 THEN NULL ELSE coalesce($3, last_error) END
       WHERE id = $4`,
      [JSON.stringify(run), run.result === 'ok', json(run.error), sourceId],
    );
    mustExist(result.rowCount ?? 0, sourceId);
  }

  /** `null` lifts the failing state; the last error stays on record until a run succeeds. */
  async setFailing(sourceId: string, error: SourceError | null): Promise<void> {
    const result = await this.#pool.query(
      'UPDATE sources SET failing = $1, last_error = coalesce($2, last_error) WHERE id = $3',
      [error !== null, json(error), sourceId],
    );
    mustExist(result.rowCount ?? 0, sourceId);
  }

  // The engine's lease and state between runs

  acquireLease(sourceId: string, holder: LeaseHolder, ttlMs: number): Promise<AcquireResult> {
    return this.#leases.acquire(sourceId, holder, ttlMs);
  }

  renewLease(sourceId: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.#leases.renew(sourceId, owner, ttlMs);
  }

  releaseLease(sourceId: string, owner: string): Promise<void> {
    return this.#leases.release(sourceId, owner);
  }

  getLease(sourceId: string): Promise<SyncLease | undefined> {
    return this.#leases.get(sourceId);
  }

  async saveWalkState(sourceId: string, state: WalkState): Promise<void> {
    mustExist(await this.#syncState.saveWalkState(sourceId, state), sourceId);
  }

  fullRunTally(sourceId: string, runId: string): Promise<FullRunTally> {
    return this.#syncState.tally(sourceId, runId);
  }

  quarantined(sourceId: string): Promise<StoredQuarantineEntry[]> {
    return this.#syncState.list(sourceId);
  }

  // Writes

  /**
   * A tombstoned invoice that comes back counts as inserted. The page is written with a few
   * batched statements (one round trip each), whatever its size.
   */
  async applyPage(
    sourceId: string,
    rows: FetchedInvoice[],
    checkpoint: SyncCheckpoint | null,
    seenInRun?: string,
    options: PageWriteOptions = {},
  ): Promise<ApplyPageResult> {
    const hashed = rows.map(({ invoice, raw }) => {
      checkRow(sourceId, invoice, raw);
      const rawText = JSON.stringify(raw);
      return { invoice, rawText, hash: digest('sha256', rawText, 'hex') };
    });
    return this.#change(sourceId, options.fence, async (client, nextSeq, delta) => {
      const ids = [...new Set(hashed.map((r) => r.invoice.id))];
      const existing = new Map<number, ExistingRow>();
      if (ids.length > 0) {
        const found = await client.query<ExistingRow>(
          'SELECT id, hash, deleted_at, seen_run FROM invoices WHERE source = $1 AND id = ANY($2::bigint[])',
          [sourceId, ids],
        );
        for (const row of found.rows) existing.set(row.id, row);
      }
      const seen = seenInRun ?? null;
      const markSeen = new Set<number>();
      if (options.quarantine?.length) {
        await this.#quarantine(client, sourceId, options.quarantine, seen, existing, markSeen);
      }
      if (ids.length > 0 && (await this.#syncState.count(client, sourceId)) > 0) {
        await this.#syncState.release(client, sourceId, ids.map(String));
      }
      // The data of live rows this page replaces: their revenue contribution is withdrawn.
      const replaced = ids.filter((id) => {
        const old = existing.get(id);
        return (
          old && old.deleted_at === null && hashed.some((r) => r.invoice.id === id && r.hash !== old.hash)
        );
      });
      const oldData = new Map<number, Invoice>();
      if (replaced.length > 0) {
        const found = await client.query<{ id: number; data: string }>(
          'SELECT id, data FROM invoices WHERE source = $1 AND id = ANY($2::bigint[])',
          [sourceId, replaced],
        );
        for (const row of found.rows) oldData.set(row.id, JSON.parse(row.data) as Invoice);
      }
      const result: ApplyPageResult = { inserted: 0, updated: 0, unchanged: 0 };
      const pending = new Map<number, PendingRow>();
      for (const { invoice, rawText, hash } of hashed) {
        const old = existing.get(invoice.id);
        if (old && old.deleted_at === null && old.hash === hash) {
          result.unchanged++;
          if (seen !== null && old.seen_run !== seen) {
            markSeen.add(invoice.id);
            old.seen_run = seen;
          }
          continue;
        }
        const amounts = exactAmounts(invoice);
        if (!old) result.inserted++;
        else if (old.deleted_at === null) {
          const previous = pending.get(invoice.id)?.invoice ?? oldData.get(invoice.id);
          if (previous) delta.add(previous, -1);
          result.updated++;
        } else result.inserted++;
        pending.set(invoice.id, {
          id: invoice.id,
          invoice,
          total: amounts.total,
          credit: amounts.credit,
          raw: rawText,
          hash,
          seq: nextSeq(),
        });
        delta.add(invoice, 1, amounts);
        markSeen.delete(invoice.id);
        existing.set(invoice.id, {
          id: invoice.id,
          hash,
          deleted_at: null,
          seen_run: seen ?? old?.seen_run ?? null,
        });
      }
      if (pending.size > 0) await upsertInvoices(client, sourceId, [...pending.values()], seen);
      if (markSeen.size > 0) {
        await client.query('UPDATE invoices SET seen_run = $1 WHERE source = $2 AND id = ANY($3::bigint[])', [
          seen,
          sourceId,
          [...markSeen],
        ]);
      }
      await client.query('UPDATE sources SET checkpoint = $1 WHERE id = $2', [json(checkpoint), sourceId]);
      return result;
    });
  }

  /**
   * Quarantined rows were listed by WHMCS: a stored version of one stays (it is not deleted),
   * marked seen so that a full run does not tombstone it.
   */
  async #quarantine(
    client: pg.PoolClient,
    sourceId: string,
    entries: QuarantineEntry[],
    seen: string | null,
    existing: Map<number, ExistingRow>,
    markSeen: Set<number>,
  ): Promise<void> {
    await this.#syncState.putQuarantine(client, sourceId, entries, seen, this.#clock().toISOString());
    if (seen === null) return;
    const refs = entries.map((e) => Number(e.ref)).filter((id) => Number.isSafeInteger(id) && id > 0);
    if (refs.length === 0) return;
    // Rows not on this page are not in `existing`: mark every stored one.
    const { rows } = await client.query<{ id: number; seen_run: string | null }>(
      'SELECT id, seen_run FROM invoices WHERE source = $1 AND id = ANY($2::bigint[])',
      [sourceId, refs],
    );
    for (const row of rows) {
      if (row.seen_run === seen) continue;
      markSeen.add(row.id);
      const known = existing.get(row.id);
      if (known) known.seen_run = seen;
    }
  }

  async finishFullRun(
    sourceId: string,
    runId: string,
    options: { fence?: string } = {},
  ): Promise<{ removed: number }> {
    const result = await this.#change(sourceId, options.fence, async (client, nextSeq, delta) => {
      const { rows } = await client.query<{ id: number; data: string }>(
        `SELECT id, data FROM invoices WHERE source = $1 AND deleted_at IS NULL AND seen_run IS DISTINCT FROM $2
         ORDER BY id`,
        [sourceId, runId],
      );
      return { removed: await this.#tombstone(client, sourceId, rows, nextSeq, delta) };
    });
    // A full run writes the whole source: the planner's statistics are brought up to date now,
    // not when autovacuum next looks. Without any (a first sync into a new database), it guessed
    // a cursor page of /v1/invoices over 100,000 invoices at 633 rows, sorted 32,000 read through
    // a partial index and took 52 ms where the primary key gives the page in 0.5 ms (measured
    // 7 Dec 2026). ANALYZE samples 30,000 rows whatever the table's size.
    await this.#pool.query('ANALYZE invoices');
    return result;
  }

  removeInvoices(
    sourceId: string,
    ids: number[],
    options: { fence?: string } = {},
  ): Promise<{ removed: number }> {
    return this.#change(sourceId, options.fence, async (client, nextSeq, delta) => {
      const wanted = [...new Set(ids)].filter((id) => Number.isSafeInteger(id));
      if (wanted.length === 0) return { removed: 0 };
      const { rows } = await client.query<{ id: number; data: string }>(
        'SELECT id, data FROM invoices WHERE source = $1 AND deleted_at IS NULL AND id = ANY($2::bigint[])',
        [sourceId, wanted],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      const ordered = wanted.flatMap((id) => byId.get(id) ?? []);
      return { removed: await this.#tombstone(client, sourceId, ordered, nextSeq, delta) };
    });
  }

  /** Tombstones live invoices (a new seq each), keeping their last data for `changes()`. */
  async #tombstone(
    client: pg.PoolClient,
    sourceId: string,
    rows: Array<{ id: number; data: string }>,
    nextSeq: () => number,
    delta: RevenueDelta,
  ): Promise<number> {
    if (rows.length === 0) return 0;
    const seqs: number[] = [];
    for (const row of rows) {
      delta.add(JSON.parse(row.data) as Invoice, -1);
      seqs.push(nextSeq());
    }
    await client.query(
      `UPDATE invoices SET deleted_at = $1, seq = t.seq
       FROM unnest($3::bigint[], $4::bigint[]) AS t (id, seq)
       WHERE invoices.source = $2 AND invoices.id = t.id`,
      [this.#clock().toISOString(), sourceId, rows.map((r) => r.id), seqs],
    );
    return rows.length;
  }

  /**
   * Runs `change` in one transaction that holds the change counter's row lock from before it
   * reads the seq until it commits: writers commit in seq order, and each commit is visible
   * before the next writer can take the lock, so a reader that sees seq 12 already sees every
   * lower seq (the feed is gap-safe across bridges). The revenue summary is written in the same
   * transaction.
   */
  #change<T>(
    sourceId: string,
    fence: string | undefined,
    change: (client: pg.PoolClient, nextSeq: () => number, delta: RevenueDelta) => Promise<T>,
  ): Promise<T> {
    return transaction(this.#pool, async (client) => {
      const exists = await client.query('SELECT 1 FROM sources WHERE id = $1', [sourceId]);
      if (exists.rowCount === 0) throw unknownSource(sourceId);
      if (fence !== undefined) await this.#leases.assertHeld(client, sourceId, fence);
      const counter = await client.query<{ value: number }>(
        "SELECT value FROM meta WHERE key = 'seq' FOR UPDATE",
      );
      const first = counter.rows[0]!.value;
      let seq = first;
      const delta = new RevenueDelta();
      const result = await change(client, () => ++seq, delta);
      await writeRevenue(client, delta);
      if (seq !== first) await client.query("UPDATE meta SET value = $1 WHERE key = 'seq'", [seq]);
      return result;
    });
  }

  // Reads

  async getInvoice(sourceId: string, id: number): Promise<StoredInvoice | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const { rows } = await this.#pool.query<InvoiceRow>(
      'SELECT data, raw, hash, seq, deleted_at FROM invoices WHERE source = $1 AND id = $2',
      [sourceId, id],
    );
    return rows[0] && toStored(rows[0]);
  }

  async listInvoices(
    filter: InvoiceFilter,
    after: InvoiceCursor | undefined,
    limit: number,
  ): Promise<StoredInvoice[]> {
    const rows = await this.#selectInvoices<InvoiceRow>(
      filter,
      after,
      limit,
      'data, raw, hash, seq, deleted_at',
    );
    return rows.map(toStored);
  }

  async listInvoiceJson(
    filter: InvoiceFilter,
    after: InvoiceCursor | undefined,
    limit: number,
  ): Promise<InvoiceJson[]> {
    const rows = await this.#selectInvoices<{ source: string; id: number; data: string }>(
      filter,
      after,
      limit,
      'source, id, data',
    );
    return rows.map((row) => ({ source: row.source, id: row.id, json: Buffer.from(row.data) }));
  }

  async #selectInvoices<R extends pg.QueryResultRow>(
    filter: InvoiceFilter,
    after: InvoiceCursor | undefined,
    limit: number,
    selected: string,
  ): Promise<R[]> {
    const count = pageSize(limit);
    const { sources } = filter;
    // An empty list allows nothing (it never means "no filter").
    if (count === 0 || sources?.length === 0) return [];
    const params: unknown[] = [];
    const param = (value: unknown) => POSTGRES_DIALECT.param(params, value);
    const where = invoiceConditions(filter, POSTGRES_DIALECT, params);
    if (!where) return [];
    if (sources) where.push(`source = ANY(${param(sources)}::text[])`);
    if (after) where.push(`(source, id) > (${param(after.source)}, ${param(after.id)})`);
    const { rows } = await this.#pool.query<R>(
      `SELECT ${selected} FROM invoices WHERE ${where.join(' AND ')} ORDER BY source, id LIMIT ${param(count)}`,
      params,
    );
    return rows;
  }

  async idsWithStatus(
    sourceId: string,
    statuses: InvoiceStatus[],
  ): Promise<Array<{ id: number; clientId: number }>> {
    if (statuses.length === 0) return [];
    const { rows } = await this.#pool.query<{ id: number; clientId: number }>(
      `SELECT id, client_id AS "clientId" FROM invoices
       WHERE source = $1 AND deleted_at IS NULL AND status = ANY($2::text[]) ORDER BY id`,
      [sourceId, statuses],
    );
    return rows;
  }

  async changes(since: number, limit: number, sources?: string[]): Promise<ChangeEntry[]> {
    return (await this.#changeRows(since, limit, sources)).map(toChangeEntry);
  }

  async changesJson(since: number, limit: number, sources?: string[]): Promise<ChangeJson[]> {
    return (await this.#changeRows(since, limit, sources)).map((row) =>
      toChangeJson({ ...row, data: Buffer.from(row.data) }),
    );
  }

  async #changeRows(since: number, limit: number, sources?: string[]): Promise<ChangeRow[]> {
    const count = pageSize(limit);
    if (count === 0 || sources?.length === 0) return [];
    const { rows } = await this.#pool.query<ChangeRow>(CHANGES_SQL, [since, count, sources ?? null]);
    return rows;
  }

  async ledgerColumns(
    sources?: readonly string[],
    options?: LedgerColumnsOptions,
  ): Promise<LedgerColumnsRead> {
    return readPostgresLedgerColumns(this.#pool, sources, options);
  }

  async currentSeq(): Promise<number> {
    const { rows } = await this.#pool.query<{ value: number }>("SELECT value FROM meta WHERE key = 'seq'");
    return rows[0]!.value;
  }

  async countsByStatus(sourceId: string): Promise<Record<InvoiceStatus, number>> {
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<InvoiceStatus, number>;
    const { rows } = await this.#pool.query<{ status: InvoiceStatus; n: number }>(
      'SELECT status, count(*) AS n FROM invoices WHERE source = $1 AND deleted_at IS NULL GROUP BY status',
      [sourceId],
    );
    for (const { status, n } of rows) counts[status] = n;
    return counts;
  }

  async countFromId(sourceId: string, minId: number): Promise<number> {
    const { rows } = await this.#pool.query<{ n: number }>(
      'SELECT count(*) AS n FROM invoices WHERE source = $1 AND id >= $2 AND deleted_at IS NULL',
      [sourceId, minId],
    );
    return rows[0]!.n;
  }

  /** Reads only the `revenue_monthly` summary; see revenue.ts for what each figure means. */
  async revenue(query: RevenueQuery): Promise<RevenueRow[]> {
    const from = monthOf(query.from, 'from') ?? '0000-00';
    const to = monthOf(query.to, 'to') ?? '9999-12';
    if (query.sources?.length === 0) return [];
    const params: unknown[] = [from, to];
    if (query.sources) params.push(query.sources);
    const { rows } = await this.#pool.query<{
      month: string;
      currency: string;
      source: string;
      measure: Measure;
      units: string;
      count: number;
    }>(
      `SELECT month, currency, source, measure, units::text AS units, count FROM revenue_monthly
       WHERE month BETWEEN $1 AND $2 ${query.sources ? 'AND source = ANY($3::text[])' : ''}
       ORDER BY month, currency${query.bySource ? ', source' : ''}`,
      params,
    );
    return sumCells(rows, query.bySource).map(toRevenueRow);
  }

  whmcsOrder(sourceId: string, query: WhmcsOrderQuery): Promise<WhmcsOrder> {
    return whmcsOrder(this.#pool, sourceId, query);
  }

  whmcsOrderChanges(
    sourceId: string,
    query: WhmcsOrderQuery,
    since: number,
    limit: number,
  ): Promise<WhmcsOrderChanges | undefined> {
    return whmcsOrderChanges(this.#pool, sourceId, query, since, limit);
  }

  sourceSeq(sourceId: string): Promise<number> {
    return sourceSeq(this.#pool, sourceId);
  }

  whmcsRows(sourceId: string, ids: readonly number[]): Promise<Array<WireInvoice | undefined>> {
    return whmcsRows(this.#pool, sourceId, ids);
  }

  // Lifecycle

  async ping(): Promise<boolean> {
    try {
      const { rows } = await this.#pool.query<{ one: number }>('SELECT 1 AS one');
      return rows[0]?.one === 1;
    } catch {
      return false;
    }
  }

  /** A database that answers but cannot be written (a standby, a read-only transaction default). */
  async health(): Promise<Array<{ code: string; message: string }>> {
    const { rows } = await this.#pool.query<{ recovery: boolean; read_only: string }>(
      "SELECT pg_is_in_recovery() AS recovery, current_setting('transaction_read_only') AS read_only",
    );
    const row = rows[0]!;
    if (row.recovery || row.read_only === 'on') {
      return [
        {
          code: 'store_read_only',
          message:
            'The PostgreSQL database is read-only (a standby, or default_transaction_read_only): point store.url at the primary.',
        },
      ];
    }
    return [];
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }
}
