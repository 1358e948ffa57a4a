import { hash as digest } from 'node:crypto';
import { type Invoice, type InvoiceStatus, invoiceStatusSchema } from '@forecaster/whmcs-client';
import { invoiceConditions, SQLITE_DIALECT } from './invoice-filter-sql.ts';
import { rebuildRaw } from './raw-record.ts';
import { compareBinary, pageSize } from './records.ts';
import {
  DATA,
  DATA_BYTES,
  placeholders,
  type StatementCache,
  type Statements,
  type StoredRow,
} from './sqlite-statements.ts';
import type { InvoiceCursor, InvoiceFilter, InvoiceJson, StoredInvoice } from './types.ts';

/*
 * Keyset walks in (source, id) order read the key index in order and filter as they go, so
 * a page costs what it takes to find `limit` matches, and never a sort of every match. Two
 * filters are narrow enough to be worth their own index instead: one client's invoices, and
 * a recent change window. A window of k seqs holds at most k rows; reading them all and
 * sorting beats scanning in key order while k is small (k^2 < rows x limit, about 20,000 for
 * a million rows and pages of 500).
 */
const SEQ_WINDOW_FOR_INDEX = 20_000;

const STATUSES = invoiceStatusSchema.options;

interface JsonRow {
  source: string;
  id: number;
  data: Buffer;
}

/** The SQLite store's invoice reads: one invoice, the read planner for filtered pages, counts. */
export class SqliteInvoiceReads {
  constructor(
    readonly sql: Statements,
    readonly statements: StatementCache,
  ) {}

  get(sourceId: string, id: number): StoredInvoice | undefined {
    const row = this.sql.getInvoice.get(sourceId, id);
    return row && toStoredInvoice(row);
  }

  list(filter: InvoiceFilter, after: InvoiceCursor | undefined, limit: number): StoredInvoice[] {
    return this.#select(filter, after, limit, `${DATA}, raw, raw_full, seq, deleted_at`, toStoredInvoice);
  }

  listJson(filter: InvoiceFilter, after: InvoiceCursor | undefined, limit: number): InvoiceJson[] {
    return this.#select(filter, after, limit, `source, id, ${DATA_BYTES}`, (row: JsonRow) => ({
      source: row.source,
      id: row.id,
      json: row.data,
    }));
  }

  #select<R, T>(
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
    const params: unknown[] = [];
    const where = invoiceConditions(filter, SQLITE_DIALECT, params);
    if (!where) return [];
    const columns = `SELECT ${selected} FROM invoices`;

    // NOT INDEXED: the table itself, keyed by (source, id) (migration 11).
    let index = 'key';
    if (filter.clientId !== undefined) index = 'invoices_client';
    else if (
      filter.changedSinceSeq !== undefined &&
      this.sql.getSeq.get()! - filter.changedSinceSeq <= SEQ_WINDOW_FOR_INDEX
    ) {
      index = 'invoices_source_seq';
    }

    if (index === 'key' && sources) {
      // One key range per source, in key order: with `source IN (...)` and a row-value
      // cursor, SQLite would scan each source from its first row on every page.
      const sql = `${columns} NOT INDEXED
        WHERE source = ? AND id > ? AND ${where.join(' AND ')} ORDER BY id LIMIT ?`;
      const statement = this.statements.get<R>(sql);
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

    // The seq index is keyed by source first (migration 12): every source's window, then sorted.
    const inSources = sources ?? (index === 'invoices_source_seq' ? this.sql.sourceIds.all() : undefined);
    if (inSources) {
      where.push(`source IN (${placeholders(inSources.length)})`);
      params.push(...inSources);
    }
    if (after) {
      where.push('(source, id) > (?, ?)');
      params.push(after.source, after.id);
    }
    const using = index === 'key' ? 'NOT INDEXED' : `INDEXED BY ${index}`;
    const sql = `${columns} ${using} WHERE ${where.join(' AND ')} ORDER BY source, id LIMIT ?`;
    return this.statements
      .get<R>(sql)
      .all(...params, count)
      .map(map);
  }

  idsWithStatus(sourceId: string, statuses: InvoiceStatus[]): Array<{ id: number; clientId: number }> {
    if (statuses.length === 0) return [];
    // The status order's index (migration 15) holds these rows; client ids are read by key.
    // Named: without it SQLite walks the whole source by key to spare sorting the open set.
    const sql = `SELECT id, client_id AS clientId FROM invoices INDEXED BY invoices_whmcs_status
      WHERE source = ? AND deleted_at IS NULL AND status IN (${placeholders(statuses.length)}) ORDER BY id`;
    return this.statements.get<{ id: number; clientId: number }>(sql).all(sourceId, ...statuses);
  }

  /**
   * Counts per source, kept with the source's last seq: every write of an invoice (a tombstone
   * too) takes a new seq and none is ever removed, so an unchanged seq means unchanged counts,
   * whichever process wrote. The count reads every live row of the source (about 60 ms at a
   * million invoices, on the API's thread) and every /v1/sources answer shows it.
   */
  readonly #counts = new Map<string, { seq: number; counts: Record<InvoiceStatus, number> }>();

  countsByStatus(sourceId: string): Record<InvoiceStatus, number> {
    const seq = this.sql.sourceSeq.get(sourceId) ?? 0;
    const kept = this.#counts.get(sourceId);
    if (kept && kept.seq === seq) return { ...kept.counts };
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<InvoiceStatus, number>;
    for (const { status, n } of this.sql.countsByStatus.all(sourceId)) counts[status] = n;
    this.#counts.set(sourceId, { seq, counts: { ...counts } });
    return counts;
  }

  countFromId(sourceId: string, minId: number): number {
    return this.sql.countFromId.get(sourceId, minId)!;
  }
}

/** A stored row as a record: the raw record rebuilt, and the hash the API shows computed from it. */
function toStoredInvoice(row: StoredRow): StoredInvoice {
  const invoice = JSON.parse(row.data) as Invoice;
  const raw = rebuildRaw(invoice, row.raw, row.raw_full);
  return {
    invoice,
    raw,
    hash: digest('sha256', JSON.stringify(raw), 'hex'),
    seq: row.seq,
    deletedAt: row.deleted_at,
  };
}
