import type { InvoiceStatus, WireInvoice } from '@forecaster/whmcs-client';
import type { Database as Db } from 'better-sqlite3';
import { AttachmentFiles } from '../ledger/attachment-files.ts';
import type { BanLedger } from './ban-ledger.ts';
import { classifiedSqliteStore } from './classified-store.ts';
import type { ForecastLog } from './forecast-log.ts';
import type { AcquireResult, LeaseHolder, SyncLease } from './lease.ts';
import type { LedgerColumnsOptions, LedgerColumnsRead } from './ledger-columns-read.ts';
import type { LoginGate } from './login-gate.ts';
import type { ManagedSourceStore } from './managed-sources.ts';
import { LATEST_VERSION } from './migrations.ts';
import { monthOf, mustExist, toRevenueRow } from './records.ts';
import { readRevenue } from './revenue.ts';
import { createSqliteBanLedger } from './sqlite-ban-ledger.ts';
import { SqliteChangeFeed } from './sqlite-change-feed.ts';
import { createSqliteForecastLog } from './sqlite-forecast-log.ts';
import { SqliteHealth } from './sqlite-health.ts';
import { SqliteInvoiceReads } from './sqlite-invoice-reads.ts';
import { SqliteInvoiceWrites } from './sqlite-invoice-writes.ts';
import { SqliteLeases } from './sqlite-lease.ts';
import { SqliteLedger } from './sqlite-ledger.ts';
import { readSqliteLedgerColumns } from './sqlite-ledger-columns.ts';
import { createSqliteLoginGate } from './sqlite-login-gate.ts';
import { createSqliteManagedSources } from './sqlite-managed-sources.ts';
import { openSqliteDatabase } from './sqlite-open.ts';
import { SqliteSources } from './sqlite-sources.ts';
import { prepareStatements, StatementCache, type Statements } from './sqlite-statements.ts';
import { SqliteSyncState } from './sqlite-sync-state.ts';
import { SqliteWhmcsOrder } from './sqlite-whmcs-order.ts';
import { classifyStoreError } from './store-errors.ts';
import type { FullRunTally, PageWriteOptions, StoredQuarantineEntry, WalkState } from './sync-state.ts';
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
} from './types.ts';

/*
 * The embedded store, one concern per file: sqlite-open.ts (file and pragmas),
 * sqlite-statements.ts (the statement table), sqlite-sources.ts, sqlite-invoice-writes.ts (the
 * write path: pages, tombstones, seqs, revenue), sqlite-invoice-reads.ts (the read planner),
 * sqlite-change-feed.ts, sqlite-whmcs-order.ts (the facade's port), revenue.ts. This class only
 * wires them to the Store interface.
 */

export interface SqliteStoreOptions {
  /** The database file (its directory is created), or `':memory:'`. */
  path: string;
  /** Stamps tombstones; tests pass a fixed one. */
  clock?: () => Date;
}

/** The embedded {@link Store}, on one better-sqlite3 connection. */
export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  readonly path: string;
  /** The schema version the database is at (the last migration this build knows). */
  readonly schemaVersion: number;
}

/**
 * Opens (creating and migrating as needed) the SQLite store at `path`.
 *
 * @example const store = openSqliteStore({ path: '/var/lib/forecaster-bridge/bridge.db' })
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const { db, version } = openSqliteDatabase(options.path);
  try {
    return classifiedSqliteStore(
      new SqliteStoreImpl(db, options.path, version, options.clock ?? (() => new Date())),
    );
  } catch (err) {
    db.close();
    throw classifyStoreError(err, options.path) ?? err;
  }
}

class SqliteStoreImpl implements SqliteStore {
  readonly kind = 'sqlite';
  readonly #db: Db;
  readonly #sql: Statements;
  readonly forecasts: ForecastLog;
  readonly ledger: SqliteLedger;
  readonly managedSources: ManagedSourceStore;
  readonly loginGate: LoginGate;
  readonly facadeBans: BanLedger;
  readonly #leases: SqliteLeases;
  readonly #syncState: SqliteSyncState;
  readonly #health: SqliteHealth;
  readonly #sources: SqliteSources;
  readonly #writes: SqliteInvoiceWrites;
  readonly #reads: SqliteInvoiceReads;
  readonly #feed: SqliteChangeFeed;
  readonly #whmcs: SqliteWhmcsOrder;

  attachmentBytes(dataDir: string): AttachmentFiles {
    return new AttachmentFiles(dataDir).referencedBy(() => this.ledger.attachmentContents());
  }

  constructor(
    db: Db,
    readonly path: string,
    readonly schemaVersion: number,
    clock: () => Date,
  ) {
    if (schemaVersion !== LATEST_VERSION)
      throw new Error(`schema at ${schemaVersion}, expected ${LATEST_VERSION}`);
    this.#db = db;
    this.#sql = prepareStatements(db);
    const statements = new StatementCache(db);
    this.forecasts = createSqliteForecastLog(db, clock);
    this.loginGate = createSqliteLoginGate(db, clock);
    this.facadeBans = createSqliteBanLedger(db);
    this.ledger = new SqliteLedger(db, clock);
    this.managedSources = createSqliteManagedSources(db, clock);
    this.#leases = new SqliteLeases(db, () => clock().getTime());
    this.#syncState = new SqliteSyncState(db);
    this.#health = new SqliteHealth(db, path);
    this.#sources = new SqliteSources(this.#sql);
    this.#writes = new SqliteInvoiceWrites(db, this.#sql, this.#leases, this.#syncState, clock);
    this.#reads = new SqliteInvoiceReads(this.#sql, statements);
    this.#feed = new SqliteChangeFeed(this.#db, this.#sql);
    this.#whmcs = new SqliteWhmcsOrder(db, this.#sql, statements);
  }

  // Sources (sqlite-sources.ts)

  async upsertSource(source: { id: string; name: string }): Promise<void> {
    this.#sources.upsert(source);
  }

  async getSource(id: string): Promise<SourceRecord | undefined> {
    return this.#sources.get(id);
  }

  async listSources(): Promise<SourceRecord[]> {
    return this.#sources.list();
  }

  async saveCheckpoint(sourceId: string, checkpoint: SyncCheckpoint | null): Promise<void> {
    this.#sources.saveCheckpoint(sourceId, checkpoint);
  }

  async recordRun(sourceId: string, run: SyncRunResult): Promise<void> {
    this.#sources.recordRun(sourceId, run);
  }

  async setFailing(sourceId: string, error: SourceError | null): Promise<void> {
    this.#sources.setFailing(sourceId, error);
  }

  // The engine's lease and state between runs (sqlite-lease.ts, sqlite-sync-state.ts)

  async acquireLease(sourceId: string, holder: LeaseHolder, ttlMs: number): Promise<AcquireResult> {
    return this.#leases.acquire(sourceId, holder, ttlMs);
  }

  async renewLease(sourceId: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.#leases.renew(sourceId, owner, ttlMs);
  }

  async releaseLease(sourceId: string, owner: string): Promise<void> {
    this.#leases.release(sourceId, owner);
  }

  async getLease(sourceId: string): Promise<SyncLease | undefined> {
    return this.#leases.get(sourceId);
  }

  async saveWalkState(sourceId: string, state: WalkState): Promise<void> {
    mustExist(this.#syncState.saveWalkState(sourceId, state), sourceId);
  }

  async fullRunTally(sourceId: string, runId: string): Promise<FullRunTally> {
    return this.#syncState.tally(sourceId, runId);
  }

  async quarantined(sourceId: string): Promise<StoredQuarantineEntry[]> {
    return this.#syncState.list(sourceId);
  }

  // Writes (sqlite-invoice-writes.ts)

  async applyPage(
    sourceId: string,
    rows: FetchedInvoice[],
    checkpoint: SyncCheckpoint | null,
    seenInRun?: string,
    options: PageWriteOptions = {},
  ): Promise<ApplyPageResult> {
    return this.#writes.applyPage(sourceId, rows, checkpoint, seenInRun, options);
  }

  async finishFullRun(
    sourceId: string,
    runId: string,
    options: { fence?: string } = {},
  ): Promise<{ removed: number }> {
    return this.#writes.finishFullRun(sourceId, runId, options.fence);
  }

  async removeInvoices(
    sourceId: string,
    ids: number[],
    options: { fence?: string } = {},
  ): Promise<{ removed: number }> {
    return this.#writes.removeInvoices(sourceId, ids, options.fence);
  }

  // Reads (sqlite-invoice-reads.ts, sqlite-change-feed.ts, revenue.ts, sqlite-whmcs-order.ts)

  async getInvoice(sourceId: string, id: number): Promise<StoredInvoice | undefined> {
    return this.#reads.get(sourceId, id);
  }

  async listInvoices(
    filter: InvoiceFilter,
    after: InvoiceCursor | undefined,
    limit: number,
  ): Promise<StoredInvoice[]> {
    return this.#reads.list(filter, after, limit);
  }

  async listInvoiceJson(
    filter: InvoiceFilter,
    after: InvoiceCursor | undefined,
    limit: number,
  ): Promise<InvoiceJson[]> {
    return this.#reads.listJson(filter, after, limit);
  }

  async idsWithStatus(
    sourceId: string,
    statuses: InvoiceStatus[],
  ): Promise<Array<{ id: number; clientId: number }>> {
    return this.#reads.idsWithStatus(sourceId, statuses);
  }

  async countsByStatus(sourceId: string): Promise<Record<InvoiceStatus, number>> {
    return this.#reads.countsByStatus(sourceId);
  }

  async countFromId(sourceId: string, minId: number): Promise<number> {
    return this.#reads.countFromId(sourceId, minId);
  }

  async changes(since: number, limit: number, sources?: string[]): Promise<ChangeEntry[]> {
    return this.#feed.changes(since, limit, sources);
  }

  async changesJson(since: number, limit: number, sources?: string[]): Promise<ChangeJson[]> {
    return this.#feed.changesJson(since, limit, sources);
  }

  async currentSeq(): Promise<number> {
    return this.#feed.currentSeq();
  }

  async ledgerColumns(
    sources?: readonly string[],
    options?: LedgerColumnsOptions,
  ): Promise<LedgerColumnsRead> {
    return readSqliteLedgerColumns(this.#db, sources, options);
  }

  /** Reads only the `revenue_monthly` summary; see revenue.ts for what each figure means. */
  async revenue(query: RevenueQuery): Promise<RevenueRow[]> {
    const from = monthOf(query.from, 'from') ?? '0000-00';
    const to = monthOf(query.to, 'to') ?? '9999-12';
    if (query.sources?.length === 0) return [];
    return readRevenue(this.#db, {
      from,
      to,
      bySource: query.bySource,
      ...(query.sources ? { sources: query.sources } : {}),
    }).map(toRevenueRow);
  }

  async whmcsOrder(sourceId: string, query: WhmcsOrderQuery): Promise<WhmcsOrder> {
    return this.#whmcs.order(sourceId, query);
  }

  async whmcsOrderChanges(
    sourceId: string,
    query: WhmcsOrderQuery,
    since: number,
    limit: number,
  ): Promise<WhmcsOrderChanges | undefined> {
    return this.#whmcs.orderChanges(sourceId, query, since, limit);
  }

  async sourceSeq(sourceId: string): Promise<number> {
    return this.#whmcs.sourceSeq(sourceId);
  }

  async whmcsRows(sourceId: string, ids: readonly number[]): Promise<Array<WireInvoice | undefined>> {
    return this.#whmcs.rows(sourceId, ids);
  }

  // Lifecycle

  async ping(): Promise<boolean> {
    try {
      return this.#sql.ping.get() === 1;
    } catch {
      return false;
    }
  }

  async health(): Promise<Array<{ code: string; message: string }>> {
    return this.#health.problems();
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    try {
      this.#db.pragma('optimize');
    } catch {
      // A damaged file must still be closed (health() and the run already said what is wrong).
    }
    this.#db.close();
  }
}
