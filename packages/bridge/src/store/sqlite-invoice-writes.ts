import type { Invoice } from '@forecaster/whmcs-client';
import type { Database as Db } from 'better-sqlite3';
import { betweenSlices, rowsPerSlice, slices } from '../bounded-work.ts';
import { type RawColumns, rawColumns } from './raw-record.ts';
import { checkRow, exactAmounts, json, unknownSource } from './records.ts';
import { type Amounts, RevenueDelta, RevenueWriter } from './revenue.ts';
import type { SqliteLeases } from './sqlite-lease.ts';
import type { ExistingRow, InvoiceValues, Statements } from './sqlite-statements.ts';
import type { SqliteSyncState } from './sqlite-sync-state.ts';
import type { PageWriteOptions, QuarantineEntry } from './sync-state.ts';
import type { ApplyPageResult, FetchedInvoice, SyncCheckpoint } from './types.ts';

/**
 * The SQLite store's write path: pages of invoices, tombstones, and with each change its seq
 * and the revenue summary, in one IMMEDIATE transaction.
 */
export class SqliteInvoiceWrites {
  readonly #sql: Statements;
  readonly #revenue: RevenueWriter;
  readonly #write;

  constructor(
    db: Db,
    sql: Statements,
    readonly leases: SqliteLeases,
    readonly syncState: SqliteSyncState,
    readonly clock: () => Date,
  ) {
    this.#sql = sql;
    this.#revenue = new RevenueWriter(db);
    this.#write = db.transaction((run: () => unknown) => run());
  }

  /**
   * A tombstoned invoice that comes back counts as inserted: it rejoins the live set, with a
   * new seq, whether or not its record changed meanwhile.
   */
  async applyPage(
    sourceId: string,
    rows: FetchedInvoice[],
    checkpoint: SyncCheckpoint | null,
    seenInRun: string | undefined,
    options: PageWriteOptions,
  ): Promise<ApplyPageResult> {
    // One transaction per slice, the event loop turning between them, so that a reader never
    // waits for a whole page (issue 17 item 6). The checkpoint commits with the last slice: a
    // crash in between resumes before this page, whose written rows then read as unchanged.
    // A slice is a page's worth while the API is idle (rowsPerSlice), decided slice by slice.
    const result: ApplyPageResult = { inserted: 0, updated: 0, unchanged: 0 };
    const ordered = inKeyOrder(rows);
    let start = 0;
    do {
      if (start > 0) await betweenSlices();
      const part = ordered.slice(start, start + rowsPerSlice());
      const first = start === 0;
      start += part.length;
      const last = start >= ordered.length;
      const done = this.#applySlice(sourceId, part, last ? { checkpoint } : undefined, seenInRun, {
        fence: options.fence,
        ...(first && options.quarantine ? { quarantine: options.quarantine } : {}),
      });
      result.inserted += done.inserted;
      result.updated += done.updated;
      result.unchanged += done.unchanged;
    } while (start < ordered.length);
    return result;
  }

  #applySlice(
    sourceId: string,
    rows: FetchedInvoice[],
    save: { checkpoint: SyncCheckpoint | null } | undefined,
    seenInRun: string | undefined,
    options: PageWriteOptions,
  ): ApplyPageResult {
    const sql = this.#sql;
    return this.#change(sourceId, options.fence, (nextSeq, delta) => {
      const existing = new Map<number, ExistingRow>();
      for (const row of this.#stored(sourceId, rows)) existing.set(row.id, row);
      const seen = seenInRun ?? null;
      const result: ApplyPageResult = { inserted: 0, updated: 0, unchanged: 0 };
      if (options.quarantine?.length) {
        this.#quarantine(sourceId, options.quarantine, seen, existing);
      }
      const quarantined = this.syncState.count(sourceId) > 0;
      // Unchanged rows the run saw, marked in one statement (a full sync's pages are mostly these).
      const unchangedSeen: number[] = [];
      for (const { invoice, raw } of rows) {
        checkRow(sourceId, invoice, raw);
        if (quarantined) this.syncState.release(sourceId, String(invoice.id));
        // The stored text is the comparison: no hash of the raw record to compute or keep.
        const data = JSON.stringify(invoice);
        const stored = rawColumns(invoice, raw);
        const old = existing.get(invoice.id);
        if (
          old &&
          old.deleted_at === null &&
          old.data === data &&
          old.raw === stored.raw &&
          old.raw_full === stored.full
        ) {
          result.unchanged++;
          if (seen !== null && old.seen_run !== seen) {
            unchangedSeen.push(invoice.id);
            old.seen_run = seen;
          }
          continue;
        }
        const amounts = exactAmounts(invoice);
        const values = invoiceValues(invoice, amounts, data, stored, nextSeq());
        if (!old) {
          sql.insert.run(sourceId, invoice.id, ...values, seen);
          result.inserted++;
        } else {
          if (old.deleted_at === null) {
            delta.add(JSON.parse(old.data) as Invoice, -1);
            result.updated++;
          } else {
            result.inserted++;
          }
          sql.update.run(...values, seen, sourceId, invoice.id);
        }
        delta.add(invoice, 1, amounts);
        existing.set(invoice.id, {
          id: invoice.id,
          data,
          raw: stored.raw,
          raw_full: stored.full,
          deleted_at: null,
          seen_run: seen ?? old?.seen_run ?? null,
        });
      }
      if (unchangedSeen.length > 0) sql.markSeenAll.run(seen!, sourceId, JSON.stringify(unchangedSeen));
      if (save) sql.saveCheckpoint.run(json(save.checkpoint), sourceId);
      return result;
    });
  }

  /**
   * The stored rows of a slice's invoices (and, for ids close together, of those between them):
   * one range of the table when the ids are dense, as a sync's pages mostly are, instead of a
   * look-up per id.
   */
  #stored(sourceId: string, rows: FetchedInvoice[]): ExistingRow[] {
    if (rows.length === 0) return [];
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const { invoice } of rows) {
      const id = invoice.id;
      if (!Number.isSafeInteger(id)) {
        min = Number.NaN;
        break;
      }
      if (id < min) min = id;
      if (id > max) max = id;
    }
    if (max - min < 2 * rows.length) return this.#sql.existingRange.all(sourceId, min, max);
    return this.#sql.existing.all(sourceId, JSON.stringify(rows.map((r) => r.invoice.id)));
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
    this.syncState.putQuarantine(sourceId, entries, seen, this.clock().toISOString());
    if (seen === null) return;
    for (const { ref } of entries) {
      const id = Number(ref);
      if (Number.isSafeInteger(id) && id > 0 && existing.get(id)?.seen_run !== seen) {
        this.#sql.markSeen.run(seen, sourceId, id);
      }
    }
  }

  finishFullRun(sourceId: string, runId: string, fence: string | undefined): Promise<{ removed: number }> {
    return this.#tombstoneAll(sourceId, this.#sql.unseen.all(sourceId, runId), fence);
  }

  removeInvoices(sourceId: string, ids: number[], fence: string | undefined): Promise<{ removed: number }> {
    return this.#tombstoneAll(sourceId, [...new Set(ids)], fence);
  }

  /** Tombstones in bounded transactions, as applyPage writes. */
  async #tombstoneAll(
    sourceId: string,
    ids: number[],
    fence: string | undefined,
  ): Promise<{ removed: number }> {
    let removed = 0;
    const at = this.clock().toISOString();
    for (const [i, part] of slices(ids).entries()) {
      if (i > 0) await betweenSlices();
      removed += this.#change(sourceId, fence, (nextSeq, delta) => {
        let count = 0;
        for (const id of part) if (this.#tombstone(sourceId, id, at, nextSeq, delta)) count++;
        return count;
      });
    }
    return { removed };
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
      if (fence !== undefined) this.leases.assertHeld(sourceId, fence);
      const first = this.#sql.getSeq.get()!;
      let seq = first;
      const delta = new RevenueDelta();
      const result = change(() => ++seq, delta);
      this.#revenue.write(delta);
      if (seq !== first) this.#sql.setSeq.run(seq);
      return result;
    }) as T;
  }
}

/** The columns of an invoice's row, in the order of the insert and update statements. */
export function invoiceValues(
  invoice: Invoice,
  amounts: Amounts,
  data: string,
  stored: RawColumns,
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
    seq,
    stored.full,
    data,
    stored.raw,
  ];
}

/**
 * The page's rows in ascending id order (a stable sort: a repeated id keeps its place among its
 * copies). The walk from the top reads ids newest first; inserted in that order, each row lands
 * before the one written just before it, and SQLite's b-tree splits leave the pages it fills
 * about half empty (1,346 bytes per invoice against 975 for the same sync from one end, measured on
 * 100,000 simulator invoices). The order of rows within one page changes nothing else: the page
 * and its checkpoint commit together, and the seqs it takes are new ones either way.
 */
function inKeyOrder(rows: FetchedInvoice[]): FetchedInvoice[] {
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.invoice.id < rows[i - 1]!.invoice.id)
      return [...rows].sort((a, b) => a.invoice.id - b.invoice.id);
  }
  return rows;
}
