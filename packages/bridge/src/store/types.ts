import type { Invoice, InvoiceOrderBy, InvoiceStatus, WireInvoice } from '@forecaster/whmcs-client';
import type { AttachmentBytes } from './attachment-bytes.ts';
import type { BanLedger } from './ban-ledger.ts';
import type { ForecastLog } from './forecast-log.ts';
import type { AcquireResult, LeaseHolder, SyncLease } from './lease.ts';
import type { Ledger } from './ledger.ts';
import type { LedgerColumnsOptions, LedgerColumnsRead } from './ledger-columns-read.ts';
import type { LoginGate } from './login-gate.ts';
import type { ManagedSourceStore } from './managed-sources.ts';
import type {
  ChangeEntry,
  RevenueRow,
  SourceError,
  SyncCheckpoint,
  SyncRunResult,
} from './record-schemas.ts';
import type { FullRunTally, PageWriteOptions, StoredQuarantineEntry, WalkState } from './sync-state.ts';

export type { AcquireResult, LeaseHolder, SyncLease } from './lease.ts';
export type {
  ChangeEntry,
  RevenueRow,
  SourceError,
  SourceStateName,
  SyncCheckpoint,
  SyncMode,
  SyncRunResult,
} from './record-schemas.ts';
export type {
  FullRunTally,
  PageWriteOptions,
  QuarantineEntry,
  StoredQuarantineEntry,
  WalkState,
} from './sync-state.ts';

/*
 * The store behind the bridge. SQLite (better-sqlite3) is the embedded default; a
 * PostgreSQL implementation for several replicas implements the same interface. Every
 * method is synchronous in SQLite; the interface is async-shaped (Promise-returning)
 * so that a networked store fits without changing callers.
 */

export interface SourceRecord {
  id: string;
  name: string;
  lastFull?: SyncRunResult;
  lastIncremental?: SyncRunResult;
  lastError?: SourceError;
  /** Set while the source must not be retried on its own (a refusal by WHMCS). */
  failing: boolean;
  checkpoint?: SyncCheckpoint;
  /** Highest WHMCS invoice id stored for this source (the incremental high-water mark). */
  highWaterMark: number;
  walkState: WalkState;
  /** Rows in quarantine. */
  quarantined: number;
}

/** One invoice as fetched: the normalized form and the raw WHMCS row it came from. */
export interface FetchedInvoice {
  invoice: Invoice;
  raw: WireInvoice;
}

export interface StoredInvoice {
  invoice: Invoice;
  /** The raw WHMCS record, exactly as parsed from WHMCS's JSON. */
  raw: WireInvoice;
  /** sha256 (hex) of the canonical raw record. */
  hash: string;
  /** The change sequence number of the last change to this invoice (store-wide, monotonic). */
  seq: number;
  /** Set when the invoice disappeared from WHMCS (a tombstone). */
  deletedAt: string | null;
}

export interface ApplyPageResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface InvoiceFilter {
  sources?: string[];
  statuses?: InvoiceStatus[];
  currencies?: string[];
  clientId?: number;
  issuedFrom?: string; // YYYY-MM-DD inclusive
  issuedTo?: string; // inclusive
  dueFrom?: string;
  dueTo?: string;
  paidFrom?: string; // date (in the invoice's own zone) inclusive
  paidTo?: string;
  /** Only invoices whose last change has seq > this. */
  changedSinceSeq?: number;
}

/** Keyset position in `(source, id)` order. */
export interface InvoiceCursor {
  source: string;
  id: number;
}

/**
 * An invoice as the JSON the store keeps, in UTF-8 bytes: serving it needs no parse, and no
 * string to build and encode again (a page of 500 spent 4-5 ms of its 6 on that).
 */
export interface InvoiceJson {
  source: string;
  id: number;
  /** `JSON.stringify` of the normalized {@link Invoice}, UTF-8. */
  json: Uint8Array;
}

/** A {@link ChangeEntry} with the invoice as its stored JSON, UTF-8. */
export interface ChangeJson extends Omit<ChangeEntry, 'invoice'> {
  json: Uint8Array;
}

export interface RevenueQuery {
  from?: string; // YYYY-MM month or date, inclusive
  to?: string;
  sources?: string[];
  bySource: boolean;
}

/**
 * A GetInvoices page as WHMCS would answer it, for the bridge's WHMCS facade. Orders as WHMCS's
 * MySQL does: `invoicenumber` by the invoicenum text, `total` numerically, `date`/`duedate` with
 * NULL first then the zero date, `status` alphabetically; ties by id ascending. `default` is
 * WHMCS's `status DESC, duedate`, whose tie order WHMCS leaves undefined (here: id ascending).
 */
export interface WhmcsPageQuery {
  status?: InvoiceStatus;
  /** `Overdue`: Unpaid with a due date before this day (YYYY-MM-DD, today in the source's zone). */
  overdueBefore?: string;
  userId?: number;
  orderBy: InvoiceOrderBy | 'default';
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** The filter and order of a {@link WhmcsPageQuery}: what the facade's precomputed orders are keyed by. */
export type WhmcsOrderQuery = Omit<WhmcsPageQuery, 'offset' | 'limit'>;

/**
 * A sort key of GetInvoices' orders as the engine compares it (facade/whmcs-order-merge.ts):
 * NULL first, then numbers, then text in byte order.
 */
export type WhmcsSortKey = string | number | null;

/** Every live invoice of a source matching a filter, in GetInvoices' order, as of one seq. */
export interface WhmcsOrder {
  /** The source's seq (its invoices' highest) when the ids were read (in the same snapshot). */
  seq: number;
  ids: number[];
  /**
   * The sort keys of each id, one array per key of the order (none for `id`; status and due
   * date for `default`; else one), as the engine sorted by them.
   */
  keys: WhmcsSortKey[][];
}

/** What changed in a source since a seq, for an order kept up to date (facade/whmcs-pages.ts). */
export interface WhmcsOrderChanges {
  /** The source's seq the changes are read up to (in the same snapshot). */
  seq: number;
  /** Every invoice of the source written since (changed, added or tombstoned). */
  changed: number[];
  /** Those of them live and matching the order's filter, with their keys, in no order. */
  matching: Omit<WhmcsOrder, 'seq'>;
}

export interface WhmcsPage {
  /** Live invoices matching the filter (tombstones excluded). */
  total: number;
  /** The raw WHMCS records of the page, in order. */
  rows: WireInvoice[];
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Commitments, costs, audit log and idempotent answers (the write side, issue 14). */
  readonly ledger: Ledger;
  /** Sources created through the API (managed-sources.ts). */
  readonly managedSources: ManagedSourceStore;
  /** Every login to WHMCS asks this first (see login-gate.ts): what keeps WHMCS from banning us. */
  readonly loginGate: LoginGate;
  /** The WHMCS facade's failed logins and bans by caller address. */
  readonly facadeBans: BanLedger;
  /**
   * Where attachments' bytes live: files in `dataDir` (SQLite), or the database, so that every
   * bridge on it serves every upload (PostgreSQL).
   */
  attachmentBytes(dataDir: string): AttachmentBytes;

  /**
   * Takes the source's sync lease (one syncing process per source, across processes and
   * hosts), unless another holder's lease is live. Taken over only when it expired without a
   * heartbeat, or its holder's process is gone from this host.
   */
  acquireLease(sourceId: string, holder: LeaseHolder, ttlMs: number): Promise<AcquireResult>;
  /** Extends the lease; false when it was lost (taken over). */
  renewLease(sourceId: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(sourceId: string, owner: string): Promise<void>;
  getLease(sourceId: string): Promise<SyncLease | undefined>;
  saveWalkState(sourceId: string, state: WalkState): Promise<void>;
  /** What a full run saw, against what the store holds. */
  fullRunTally(sourceId: string, runId: string): Promise<FullRunTally>;
  /** The source's quarantined rows, by ref. */
  quarantined(sourceId: string): Promise<StoredQuarantineEntry[]>;

  /** Registers (or renames) a configured source. */
  upsertSource(source: { id: string; name: string }): Promise<void>;
  getSource(id: string): Promise<SourceRecord | undefined>;
  listSources(): Promise<SourceRecord[]>;
  saveCheckpoint(sourceId: string, checkpoint: SyncCheckpoint | null): Promise<void>;
  recordRun(sourceId: string, run: SyncRunResult): Promise<void>;
  setFailing(sourceId: string, error: SourceError | null): Promise<void>;

  /**
   * Upserts a page of invoices and saves the checkpoint, in one transaction. An invoice whose
   * raw record hashes the same is left alone (no new seq); a changed or revived one gets a
   * new seq. `seenInRun` marks them seen by a full run, for {@link finishFullRun}.
   */
  applyPage(
    sourceId: string,
    rows: FetchedInvoice[],
    checkpoint: SyncCheckpoint | null,
    seenInRun?: string,
    options?: PageWriteOptions,
  ): Promise<ApplyPageResult>;

  /** Tombstones (with a new seq each) the source's live invoices not seen in this full run. */
  finishFullRun(sourceId: string, runId: string, options?: { fence?: string }): Promise<{ removed: number }>;
  /** Tombstones these ids (an incremental sync found them gone). */
  removeInvoices(sourceId: string, ids: number[], options?: { fence?: string }): Promise<{ removed: number }>;

  getInvoice(sourceId: string, id: number): Promise<StoredInvoice | undefined>;
  /** Live invoices (no tombstones) by `(source, id)`, strictly after the cursor. */
  listInvoices(
    filter: InvoiceFilter,
    after: InvoiceCursor | undefined,
    limit: number,
  ): Promise<StoredInvoice[]>;
  /** Live invoices of a source with one of these statuses (the incremental's open set). */
  idsWithStatus(
    sourceId: string,
    statuses: InvoiceStatus[],
  ): Promise<Array<{ id: number; clientId: number }>>;
  /** The same page as {@link listInvoices}, each invoice as its stored JSON text. */
  listInvoiceJson(
    filter: InvoiceFilter,
    after: InvoiceCursor | undefined,
    limit: number,
  ): Promise<InvoiceJson[]>;
  /** Changes (upserts and tombstones) with seq > since, in seq order. */
  changes(since: number, limit: number, sources?: string[]): Promise<ChangeEntry[]>;
  /** The same changes as {@link changes}, each invoice as its stored JSON text. */
  changesJson(since: number, limit: number, sources?: string[]): Promise<ChangeJson[]>;
  /** The highest seq handed out so far. */
  currentSeq(): Promise<number>;
  /**
   * The live invoices of these sources (every source when omitted) as the forecast's columns, in
   * (source, id) order, and the seq they are current at (ledger-columns-read.ts).
   */
  /** The live invoices as the forecast package's columns; `exact` keeps exact money too. */
  ledgerColumns(sources?: readonly string[], options?: LedgerColumnsOptions): Promise<LedgerColumnsRead>;
  countsByStatus(sourceId: string): Promise<Record<InvoiceStatus, number>>;
  /** Live invoices with `id >= minId` (cost estimates for the incremental walk). */
  countFromId(sourceId: string, minId: number): Promise<number>;
  revenue(query: RevenueQuery): Promise<RevenueRow[]>;
  /**
   * The WHMCS facade's port (facade/whmcs-pages.ts pages it): the ids of a source's live
   * invoices matching the filter, in GetInvoices' order, with the seq of the same snapshot.
   */
  whmcsOrder(sourceId: string, query: WhmcsOrderQuery): Promise<WhmcsOrder>;
  /**
   * The invoices of a source written since `since` (its seq), and those of them matching the
   * order's filter with their keys; undefined when more than `limit` were written.
   */
  whmcsOrderChanges(
    sourceId: string,
    query: WhmcsOrderQuery,
    since: number,
    limit: number,
  ): Promise<WhmcsOrderChanges | undefined>;
  /** The source's seq: the highest of its invoices' (0 without any). */
  sourceSeq(sourceId: string): Promise<number>;
  /** The raw WHMCS records of these live invoices, in the order asked (undefined: not live). */
  whmcsRows(sourceId: string, ids: readonly number[]): Promise<Array<WireInvoice | undefined>>;

  /** Issued forecasts (forecast-log.ts). */
  readonly forecasts: ForecastLog;

  /** True when the store answers (for /readyz). */
  ping(): Promise<boolean>;
  /** What keeps the store from working (read, quick check, write, free space): empty when healthy. */
  health(): Promise<Array<{ code: string; message: string }>>;
  close(): Promise<void>;
}
