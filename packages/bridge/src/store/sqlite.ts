import { hash as digest } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  type Invoice,
  type InvoiceStatus,
  invoiceStatusSchema,
  type WireInvoice,
} from '@forecaster/whmcs-client';
import Database, { type Database as Db, type Statement } from 'better-sqlite3';
import type { BanLedger } from './ban-ledger.ts';
import type { ForecastLog } from './forecast-log.ts';
import type { AcquireResult, LeaseHolder, SyncLease } from './lease.ts';
import type { LoginGate } from './login-gate.ts';
import type { ManagedSourceStore } from './managed-sources.ts';
import { LATEST_VERSION, migrate } from './migrations.ts';
import {
  checkRow,
  compareBinary,
  exactAmounts,
  type InvoiceRow,
  json,
  monthOf,
  mustExist,
  pageSize,
  type SourceRow,
  toRevenueRow,
  toSourceRecord,
  toStored,
  unknownSource,
} from './records.ts';
import { type Amounts, RevenueDelta, RevenueWriter, readRevenue } from './revenue.ts';
import { createSqliteBanLedger } from './sqlite-ban-ledger.ts';
import { createSqliteForecastLog } from './sqlite-forecast-log.ts';
import { SqliteHealth } from './sqlite-health.ts';
import { SqliteLeases } from './sqlite-lease.ts';
import { SqliteLedger } from './sqlite-ledger.ts';
import { createSqliteLoginGate } from './sqlite-login-gate.ts';
import { createSqliteManagedSources } from './sqlite-managed-sources.ts';
import { SqliteSyncState } from './sqlite-sync-state.ts';
import { classifyStoreError } from './store-errors.ts';
import type {
  FullRunTally,
  PageWriteOptions,
  QuarantineEntry,
  StoredQuarantineEntry,
  WalkState,
} from './sync-state.ts';
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
  WhmcsPage,
  WhmcsPageQuery,
} from './types.ts';

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

/*
 * Keyset walks in (source, id) order read the key index in order and filter as they go, so
 * a page costs what it takes to find `limit` matches, and never a sort of every match. Two
 * filters are narrow enough to be worth their own index instead: one client's invoices, and
 * a recent change window. A window of k seqs holds at most k rows; reading them all and
 * sorting beats scanning in key order while k is small (k^2 < rows x limit, about 20,000 for
 * a million rows and pages of 500).
 */
const SEQ_WINDOW_FOR_INDEX = 20_000;

/** How long a writer waits for another connection's write transaction before failing. */
const BUSY_TIMEOUT_MS = 5_000;

const STATUSES = invoiceStatusSchema.options;

const QUARANTINED = '(SELECT count(*) FROM quarantine WHERE source = s.id) AS quarantined';

/*
 * GetInvoices' orderings over the columns the store keeps. Dates come from the raw record: the
 * normalized ones fold WHMCS's zero date into null, and MySQL sorts NULL before the zero date
 * before every real date (as SQLite sorts NULL, then '0000-00-00', then 'YYYY-MM-DD'). The
 * normalized status sorts as WHMCS's text does (cancelled < ... < paid < payment_pending < ...).
 */
const WHMCS_ORDER_KEYS: Record<Exclude<WhmcsPageQuery['orderBy'], 'default'>, string> = {
  id: 'id',
  invoicenumber: "coalesce(CAST(json_extract(raw, '$.invoicenum') AS TEXT), '')",
  date: "json_extract(raw, '$.date')",
  duedate: "json_extract(raw, '$.duedate')",
  total: 'total_units',
  status: 'status',
};

interface JsonRow {
  source: string;
  id: number;
  data: string;
}

interface ChangeRow {
  source: string;
  id: number;
  seq: number;
  data: string;
  deleted_at: string | null;
}

interface ExistingRow {
  id: number;
  hash: string;
  deleted_at: string | null;
  seen_run: string | null;
}

type InvoiceValues = [
  status: string,
  currency: string,
  clientId: number,
  issueDate: string | null,
  dueDate: string | null,
  paidDate: string | null,
  totalUnits: bigint,
  creditUnits: bigint,
  data: string,
  raw: string,
  hash: string,
  seq: number,
];

/**
 * Opens (creating and migrating as needed) the SQLite store at `path`.
 *
 * @example const store = openSqliteStore({ path: '/var/lib/forecaster-bridge/bridge.db' })
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const { path } = options;
  if (path !== ':memory:' && !path.startsWith('file:'))
    mkdirSync(dirname(resolve(path)), { recursive: true });
  let db: Db;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw classifyStoreError(err, path) ?? err;
  }
  try {
    // Before WAL, and only effective on a new file: 16 KiB pages hold ten invoices (about 1.5 KB
    // each with both JSON documents) instead of two, which made first syncs 1.3-1.5x faster.
    db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a power loss may drop the last commits, never corrupt the file.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('cache_size = -65536'); // 64 MiB: the key and seq indexes of a million rows stay hot
    const { to } = migrate(db);
    return new SqliteStoreImpl(db, path, to, options.clock ?? (() => new Date()));
  } catch (err) {
    db.close();
    throw classifyStoreError(err, path) ?? err;
  }
}

class SqliteStoreImpl implements SqliteStore {
  readonly kind = 'sqlite';
  readonly #db: Db;
  readonly #clock: () => Date;
  readonly #revenue: RevenueWriter;
  readonly forecasts: ForecastLog;
  readonly #cache = new Map<string, Statement>();
  readonly #sql;
  readonly #write;
  readonly ledger: SqliteLedger;
  readonly managedSources: ManagedSourceStore;
  readonly loginGate: LoginGate;
  readonly facadeBans: BanLedger;
  readonly #leases: SqliteLeases;
  readonly #syncState: SqliteSyncState;
  readonly #health: SqliteHealth;

  constructor(
    db: Db,
    readonly path: string,
    readonly schemaVersion: number,
    clock: () => Date,
  ) {
    if (schemaVersion !== LATEST_VERSION)
      throw new Error(`schema at ${schemaVersion}, expected ${LATEST_VERSION}`);
    this.#db = db;
    this.#clock = clock;
    this.#revenue = new RevenueWriter(db);
    this.forecasts = createSqliteForecastLog(db, clock);
    this.loginGate = createSqliteLoginGate(db, clock);
    this.facadeBans = createSqliteBanLedger(db);
    this.#write = db.transaction((run: () => unknown) => run());
    this.ledger = new SqliteLedger(db, clock);
    this.managedSources = createSqliteManagedSources(db, clock);
    this.#leases = new SqliteLeases(db, () => this.#clock().getTime());
    this.#syncState = new SqliteSyncState(db);
    this.#health = new SqliteHealth(db, path);
    const columns =
      'status, currency, client_id, issue_date, due_date, paid_date, total_units, credit_units, data, raw, hash, seq';
    this.#sql = {
      getSeq: db.prepare<[], number>("SELECT value FROM meta WHERE key = 'seq'").pluck(),
      setSeq: db.prepare<[number]>("UPDATE meta SET value = ? WHERE key = 'seq'"),
      sourceExists: db.prepare<[string], number>('SELECT 1 FROM sources WHERE id = ?').pluck(),
      existing: db.prepare<[string, string], ExistingRow>(
        'SELECT id, hash, deleted_at, seen_run FROM invoices WHERE source = ? AND id IN (SELECT value FROM json_each(?))',
      ),
      data: db
        .prepare<[string, number], string>('SELECT data FROM invoices WHERE source = ? AND id = ?')
        .pluck(),
      insert: db.prepare<[string, number, ...InvoiceValues, string | null]>(
        `INSERT INTO invoices (source, id, ${columns}, seen_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      update: db.prepare<[...InvoiceValues, string | null, string, number]>(
        `UPDATE invoices SET (${columns}, deleted_at, seen_run) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, coalesce(?, seen_run))
         WHERE source = ? AND id = ?`,
      ),
      markSeen: db.prepare<[string, string, number]>(
        'UPDATE invoices SET seen_run = ? WHERE source = ? AND id = ?',
      ),
      liveData: db
        .prepare<[string, number], string>(
          'SELECT data FROM invoices WHERE source = ? AND id = ? AND deleted_at IS NULL',
        )
        .pluck(),
      unseen: db
        .prepare<[string, string], number>(
          'SELECT id FROM invoices WHERE source = ? AND deleted_at IS NULL AND seen_run IS NOT ? ORDER BY id',
        )
        .pluck(),
      tombstone: db.prepare<[string, number, string, number]>(
        'UPDATE invoices SET deleted_at = ?, seq = ? WHERE source = ? AND id = ?',
      ),
      getInvoice: db.prepare<[string, number], InvoiceRow>(
        'SELECT data, raw, hash, seq, deleted_at FROM invoices WHERE source = ? AND id = ?',
      ),
      upsertSource: db.prepare<[string, string]>(
        'INSERT INTO sources (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
      ),
      getSource: db.prepare<[string], SourceRow>(
        `SELECT s.*, (SELECT max(id) FROM invoices WHERE source = s.id) AS hwm, ${QUARANTINED} FROM sources s WHERE s.id = ?`,
      ),
      listSources: db.prepare<[], SourceRow>(
        `SELECT s.*, (SELECT max(id) FROM invoices WHERE source = s.id) AS hwm, ${QUARANTINED} FROM sources s ORDER BY s.id`,
      ),
      saveCheckpoint: db.prepare<[string | null, string]>('UPDATE sources SET checkpoint = ? WHERE id = ?'),
      recordFull: recordRunStatement(db, 'last_full'),
      recordIncremental: recordRunStatement(db, 'last_incremental'),
      setFailing: db.prepare<[number, string | null, string]>(
        'UPDATE sources SET failing = ?, last_error = coalesce(?, last_error) WHERE id = ?',
      ),
      countsByStatus: db.prepare<[string], { status: InvoiceStatus; n: number }>(
        'SELECT status, count(*) AS n FROM invoices WHERE source = ? AND deleted_at IS NULL GROUP BY status',
      ),
      countFromId: db
        .prepare<[string, number], number>(
          'SELECT count(*) FROM invoices WHERE source = ? AND id >= ? AND deleted_at IS NULL',
        )
        .pluck(),
      rawByRowid: db.prepare<[number], string>('SELECT raw FROM invoices WHERE rowid = ?').pluck(),
      ping: db.prepare<[], number>('SELECT 1').pluck(),
      sourceIds: db.prepare<[], string>('SELECT id FROM sources').pluck(),
      changes: db.prepare<[number, number], ChangeRow>(
        `SELECT source, id, seq, data, deleted_at FROM invoices INDEXED BY invoices_seq
         WHERE seq > ? ORDER BY seq LIMIT ?`,
      ),
      sourceChanges: db.prepare<[string, number, number], ChangeRow>(
        `SELECT source, id, seq, data, deleted_at FROM invoices INDEXED BY invoices_source_seq
         WHERE source = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ),
    };
  }

  // Sources

  async upsertSource(source: { id: string; name: string }): Promise<void> {
    this.#sql.upsertSource.run(source.id, source.name);
  }

  async getSource(id: string): Promise<SourceRecord | undefined> {
    const row = this.#sql.getSource.get(id);
    return row && toSourceRecord(row);
  }

  async listSources(): Promise<SourceRecord[]> {
    return this.#sql.listSources.all().map(toSourceRecord);
  }

  async saveCheckpoint(sourceId: string, checkpoint: SyncCheckpoint | null): Promise<void> {
    mustExist(this.#sql.saveCheckpoint.run(json(checkpoint), sourceId).changes, sourceId);
  }

  async recordRun(sourceId: string, run: SyncRunResult): Promise<void> {
    const statement = run.mode === 'full' ? this.#sql.recordFull : this.#sql.recordIncremental;
    const params = {
      id: sourceId,
      run: JSON.stringify(run),
      ok: run.result === 'ok' ? 1 : 0,
      error: json(run.error),
    };
    mustExist(statement.run(params).changes, sourceId);
  }

  /** `null` lifts the failing state; the last error stays on record until a run succeeds. */
  async setFailing(sourceId: string, error: SourceError | null): Promise<void> {
    mustExist(this.#sql.setFailing.run(error ? 1 : 0, json(error), sourceId).changes, sourceId);
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

  // Writes

  /**
   * A tombstoned invoice that comes back counts as inserted: it rejoins the live set, with a
   * new seq, whether or not its record changed meanwhile.
   */
  async applyPage(
    sourceId: string,
    rows: FetchedInvoice[],
    checkpoint: SyncCheckpoint | null,
    seenInRun?: string,
    options: PageWriteOptions = {},
  ): Promise<ApplyPageResult> {
    const sql = this.#sql;
    return this.#change(sourceId, options.fence, (nextSeq, delta) => {
      const existing = new Map<number, ExistingRow>();
      const ids = JSON.stringify(rows.map((r) => r.invoice.id));
      for (const row of sql.existing.all(sourceId, ids)) existing.set(row.id, row);
      const seen = seenInRun ?? null;
      const result: ApplyPageResult = { inserted: 0, updated: 0, unchanged: 0 };
      if (options.quarantine?.length) {
        this.#quarantine(sourceId, options.quarantine, seen, existing);
      }
      const quarantined = this.#syncState.count(sourceId) > 0;
      for (const { invoice, raw } of rows) {
        checkRow(sourceId, invoice, raw);
        if (quarantined) this.#syncState.release(sourceId, String(invoice.id));
        const rawText = JSON.stringify(raw);
        const hash = digest('sha256', rawText, 'hex');
        const old = existing.get(invoice.id);
        if (old && old.deleted_at === null && old.hash === hash) {
          result.unchanged++;
          if (seen !== null && old.seen_run !== seen) {
            sql.markSeen.run(seen, sourceId, invoice.id);
            old.seen_run = seen;
          }
          continue;
        }
        const amounts = exactAmounts(invoice);
        const values = invoiceValues(invoice, amounts, rawText, hash, nextSeq());
        if (!old) {
          sql.insert.run(sourceId, invoice.id, ...values, seen);
          result.inserted++;
        } else {
          if (old.deleted_at === null) {
            delta.add(JSON.parse(sql.data.get(sourceId, invoice.id)!) as Invoice, -1);
            result.updated++;
          } else {
            result.inserted++;
          }
          sql.update.run(...values, seen, sourceId, invoice.id);
        }
        delta.add(invoice, 1, amounts);
        existing.set(invoice.id, {
          id: invoice.id,
          hash,
          deleted_at: null,
          seen_run: seen ?? old?.seen_run ?? null,
        });
      }
      sql.saveCheckpoint.run(json(checkpoint), sourceId);
      return result;
    });
  }

  /**
   * Quarantined rows were listed by WHMCS: a stored version of one stays (it is not deleted),
   * marked seen so that a full run does not tombstone it.
   */
  #quarantine(
    sourceId: string,
    entries: QuarantineEntry[],
    seen: string | null,
    existing: Map<number, ExistingRow>,
  ) {
    this.#syncState.putQuarantine(sourceId, entries, seen, this.#clock().toISOString());
    if (seen === null) return;
    for (const { ref } of entries) {
      const id = Number(ref);
      if (Number.isSafeInteger(id) && id > 0 && existing.get(id)?.seen_run !== seen) {
        this.#sql.markSeen.run(seen, sourceId, id);
      }
    }
  }

  async finishFullRun(
    sourceId: string,
    runId: string,
    options: { fence?: string } = {},
  ): Promise<{ removed: number }> {
    return this.#change(sourceId, options.fence, (nextSeq, delta) => {
      const at = this.#clock().toISOString();
      let removed = 0;
      for (const id of this.#sql.unseen.all(sourceId, runId)) {
        if (this.#tombstone(sourceId, id, at, nextSeq, delta)) removed++;
      }
      return { removed };
    });
  }

  async removeInvoices(
    sourceId: string,
    ids: number[],
    options: { fence?: string } = {},
  ): Promise<{ removed: number }> {
    return this.#change(sourceId, options.fence, (nextSeq, delta) => {
      const at = this.#clock().toISOString();
      let removed = 0;
      for (const id of new Set(ids)) if (this.#tombstone(sourceId, id, at, nextSeq, delta)) removed++;
      return { removed };
    });
  }

  /** Tombstones one live invoice, keeping its last data for `changes()`. */
  #tombstone(sourceId: string, id: number, at: string, nextSeq: () => number, delta: RevenueDelta): boolean {
    const data = this.#sql.liveData.get(sourceId, id);
    if (data === undefined) return false;
    delta.add(JSON.parse(data) as Invoice, -1);
    this.#sql.tombstone.run(at, nextSeq(), sourceId, id);
    return true;
  }

  /**
   * Runs `change` in one IMMEDIATE transaction: the write lock is taken before the seq is
   * read, so transactions commit in seq order and a reader following `changes(since)` can
   * never see a later seq before an earlier one. The revenue summary and the counter are
   * written in the same transaction.
   */
  #change<T>(
    sourceId: string,
    fence: string | undefined,
    change: (nextSeq: () => number, delta: RevenueDelta) => T,
  ): T {
    return this.#write.immediate(() => {
      if (this.#sql.sourceExists.get(sourceId) === undefined) {
        throw unknownSource(sourceId);
      }
      if (fence !== undefined) this.#leases.assertHeld(sourceId, fence);
      const first = this.#sql.getSeq.get()!;
      let seq = first;
      const delta = new RevenueDelta();
      const result = change(() => ++seq, delta);
      this.#revenue.write(delta);
      if (seq !== first) this.#sql.setSeq.run(seq);
      return result;
    }) as T;
  }

  // Reads

  async getInvoice(sourceId: string, id: number): Promise<StoredInvoice | undefined> {
    const row = this.#sql.getInvoice.get(sourceId, id);
    return row && toStored(row);
  }

  async listInvoices(
    filter: InvoiceFilter,
    after: InvoiceCursor | undefined,
    limit: number,
  ): Promise<StoredInvoice[]> {
    return this.#selectInvoices(filter, after, limit, 'data, raw, hash, seq, deleted_at', toStored);
  }

  async listInvoiceJson(
    filter: InvoiceFilter,
    after: InvoiceCursor | undefined,
    limit: number,
  ): Promise<InvoiceJson[]> {
    return this.#selectInvoices(filter, after, limit, 'source, id, data', (row: JsonRow) => ({
      source: row.source,
      id: row.id,
      json: row.data,
    }));
  }

  #selectInvoices<R, T>(
    filter: InvoiceFilter,
    after: InvoiceCursor | undefined,
    limit: number,
    selected: string,
    map: (row: R) => T,
  ): T[] {
    const count = pageSize(limit);
    const { sources } = filter;
    // An empty list allows nothing (it never means "no filter": a caller restricted to no
    // source must see no invoice).
    if (count === 0 || sources?.length === 0) return [];
    const where = ['deleted_at IS NULL'];
    const params: unknown[] = [];
    for (const [column, values] of [
      ['status', filter.statuses],
      ['currency', filter.currencies],
    ] as const) {
      if (values === undefined) continue;
      if (values.length === 0) return [];
      where.push(`${column} IN (${placeholders(values.length)})`);
      params.push(...values);
    }
    for (const [clause, value] of [
      ['client_id = ?', filter.clientId],
      ['issue_date >= ?', filter.issuedFrom],
      ['issue_date <= ?', filter.issuedTo],
      ['due_date >= ?', filter.dueFrom],
      ['due_date <= ?', filter.dueTo],
      ['paid_date >= ?', filter.paidFrom],
      ['paid_date <= ?', filter.paidTo],
      ['seq > ?', filter.changedSinceSeq],
    ] as const) {
      if (value === undefined) continue;
      where.push(clause);
      params.push(value);
    }
    const columns = `SELECT ${selected} FROM invoices`;

    let index = 'invoices_key';
    if (filter.clientId !== undefined) index = 'invoices_client';
    else if (
      filter.changedSinceSeq !== undefined &&
      this.#sql.getSeq.get()! - filter.changedSinceSeq <= SEQ_WINDOW_FOR_INDEX
    ) {
      index = 'invoices_seq';
    }

    if (index === 'invoices_key' && sources) {
      // One key range per source, in key order: with `source IN (...)` and a row-value
      // cursor, SQLite would scan each source from its first row on every page.
      const sql = `${columns} INDEXED BY invoices_key
        WHERE source = ? AND id > ? AND ${where.join(' AND ')} ORDER BY id LIMIT ?`;
      const statement = this.#prepared<R>(sql);
      const out: T[] = [];
      for (const source of [...new Set(sources)].sort(compareBinary)) {
        const order = after ? compareBinary(source, after.source) : 1;
        if (order < 0) continue;
        const fromId = order === 0 ? after!.id : 0;
        for (const row of statement.all(source, fromId, ...params, count - out.length)) out.push(map(row));
        if (out.length >= count) break;
      }
      return out;
    }

    if (sources) {
      where.push(`source IN (${placeholders(sources.length)})`);
      params.push(...sources);
    }
    if (after) {
      where.push('(source, id) > (?, ?)');
      params.push(after.source, after.id);
    }
    const sql = `${columns} INDEXED BY ${index} WHERE ${where.join(' AND ')} ORDER BY source, id LIMIT ?`;
    return this.#prepared<R>(sql)
      .all(...params, count)
      .map(map);
  }

  async idsWithStatus(
    sourceId: string,
    statuses: InvoiceStatus[],
  ): Promise<Array<{ id: number; clientId: number }>> {
    if (statuses.length === 0) return [];
    const sql = `SELECT id, client_id AS clientId FROM invoices INDEXED BY invoices_live_status
      WHERE source = ? AND deleted_at IS NULL AND status IN (${placeholders(statuses.length)}) ORDER BY id`;
    return this.#prepared<{ id: number; clientId: number }>(sql).all(sourceId, ...statuses);
  }

  async changes(since: number, limit: number, sources?: string[]): Promise<ChangeEntry[]> {
    return this.#changeRows(since, limit, sources).map((row) => ({
      seq: row.seq,
      source: row.source,
      id: row.id,
      kind: row.deleted_at === null ? 'upsert' : 'delete',
      invoice: JSON.parse(row.data) as Invoice,
      deletedAt: row.deleted_at,
    }));
  }

  async changesJson(since: number, limit: number, sources?: string[]): Promise<ChangeJson[]> {
    return this.#changeRows(since, limit, sources).map((row) => ({
      seq: row.seq,
      source: row.source,
      id: row.id,
      kind: row.deleted_at === null ? 'upsert' : 'delete',
      json: row.data,
      deletedAt: row.deleted_at,
    }));
  }

  #changeRows(since: number, limit: number, sources?: string[]): ChangeRow[] {
    const count = pageSize(limit);
    if (count === 0 || sources?.length === 0) return [];
    const wanted = sources && new Set(sources);
    const stored = this.#sql.sourceIds.all();
    let rows: ChangeRow[];
    if (!wanted || stored.every((id) => wanted.has(id))) {
      rows = this.#sql.changes.all(since, count);
    } else {
      // Each source's next changes from its own seq range, merged: one small source behind a
      // large one is not found by walking every change of the large one.
      rows = stored
        .filter((id) => wanted.has(id))
        .flatMap((id) => this.#sql.sourceChanges.all(id, since, count))
        .sort((a, b) => a.seq - b.seq)
        .slice(0, count);
    }
    return rows;
  }

  async currentSeq(): Promise<number> {
    return this.#sql.getSeq.get()!;
  }

  async countsByStatus(sourceId: string): Promise<Record<InvoiceStatus, number>> {
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<InvoiceStatus, number>;
    for (const { status, n } of this.#sql.countsByStatus.all(sourceId)) counts[status] = n;
    return counts;
  }

  async countFromId(sourceId: string, minId: number): Promise<number> {
    return this.#sql.countFromId.get(sourceId, minId)!;
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

  async whmcsPage(sourceId: string, query: WhmcsPageQuery): Promise<WhmcsPage> {
    const where = ['source = ?', 'deleted_at IS NULL'];
    const params: unknown[] = [sourceId];
    if (query.status !== undefined) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.overdueBefore !== undefined) {
      where.push("status = 'unpaid'", "json_extract(raw, '$.duedate') < ?");
      params.push(query.overdueBefore);
    }
    if (query.userId !== undefined) {
      where.push('client_id = ?');
      params.push(query.userId);
    }
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    const orderBy =
      query.orderBy === 'default'
        ? `status DESC, ${WHMCS_ORDER_KEYS.duedate}, id`
        : query.orderBy === 'id'
          ? `id ${direction}`
          : `${WHMCS_ORDER_KEYS[query.orderBy]} ${direction}, id`;
    const filter = where.join(' AND ');
    const limit = pageSize(query.limit);
    const offset = pageSize(query.offset);
    // One read transaction: the count and the page see the same snapshot while a sync writes.
    return this.#write(() => {
      const total = this.#prepared<number>(`SELECT count(*) FROM invoices WHERE ${filter}`)
        .pluck()
        .get(...params)!;
      if (limit === 0 || offset >= total) return { total, rows: [] };
      // The sort carries only the keys and the rowid; the wide raw records of the page are read
      // afterwards, so that a deep offset does not drag every skipped record through the sorter.
      const rowids = this.#prepared<number>(
        `SELECT rowid FROM invoices WHERE ${filter} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
      )
        .pluck()
        .all(...params, limit, offset);
      const raw = this.#sql.rawByRowid;
      return { total, rows: rowids.map((rowid) => JSON.parse(raw.get(rowid)!) as WireInvoice) };
    }) as WhmcsPage;
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

  /** Statements whose text depends on the filter, prepared once per shape. */
  #prepared<R>(sql: string, safeIntegers = false): Statement<unknown[], R> {
    let statement = this.#cache.get(sql);
    if (!statement) {
      if (this.#cache.size >= 256) this.#cache.clear();
      statement = this.#db.prepare(sql).safeIntegers(safeIntegers);
      this.#cache.set(sql, statement);
    }
    return statement as Statement<unknown[], R>;
  }
}

interface RecordRunParams {
  id: string;
  run: string;
  ok: number;
  error: string | null;
}

/** A successful run clears the failure state; a failed one leaves its error as the last error. */
function recordRunStatement(db: Db, column: 'last_full' | 'last_incremental') {
  return db.prepare<RecordRunParams>(
    `UPDATE sources SET ${column} = @run,
       failing = CASE WHEN @ok THEN 0 ELSE failing END,
       last_error = CASE WHEN @ok THEN NULL ELSE coalesce(@error, last_error) END
     WHERE id = @id`,
  );
}

function invoiceValues(
  invoice: Invoice,
  amounts: Amounts,
  rawText: string,
  hash: string,
  seq: number,
): InvoiceValues {
  return [
    invoice.status,
    invoice.currency,
    invoice.clientId,
    invoice.issueDate,
    invoice.dueDate,
    invoice.paidAt === null ? null : invoice.paidAt.slice(0, 10),
    amounts.total,
    amounts.credit,
    JSON.stringify(invoice),
    rawText,
    hash,
    seq,
  ];
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
