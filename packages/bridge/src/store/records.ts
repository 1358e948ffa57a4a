import type { Invoice, WireInvoice } from '@forecaster/whmcs-client';
import { formatUnits } from '@forecaster/whmcs-client';
import { StoreError } from './errors.ts';
import {
  parseRecord,
  sourceErrorRecordSchema,
  syncCheckpointSchema,
  syncRunResultSchema,
} from './record-schemas.ts';
import { type Amounts, amountsOf, type RevenueSums } from './revenue.ts';
import { parseWalkState } from './sync-state.ts';
import type { ChangeEntry, ChangeJson, RevenueRow, SourceRecord, StoredInvoice } from './types.ts';

/*
 * What both engines share between their rows and the store's records: the checks a written
 * invoice must pass, and the mapping of a stored row back to a record. Each engine keeps only
 * its SQL.
 */

export interface InvoiceRow {
  data: string;
  raw: string;
  hash: string;
  seq: number;
  deleted_at: string | null;
}

/** A row of the change feed, as both engines select it: `data` is the invoice's JSON, as text or as its UTF-8 bytes. */
export interface ChangeRow<Data extends string | Uint8Array = string> {
  source: string;
  id: number;
  seq: number;
  data: Data;
  deleted_at: string | null;
}

/**
 * The first `count` changes after `since` of the given sources (every stored one when omitted),
 * from each source's own seq range, merged by seq: a source's range is one index range (source,
 * seq), and one small source behind a large one is not found by walking the large one's changes.
 * Call this in one read transaction, so that no change commits between two sources' reads.
 * - `seqs(source)`: that source's first `count` seqs after `since`, ascending (the index alone);
 * - `rows(source, upTo)`: that source's changes after `since` up to seq `upTo`, in seq order.
 * With more than one source the seqs come first: they say which seq the page ends at, and
 * only the rows of the page are then read whole (reading `count` rows of every source read
 * three times the rows a page serves over three sources, each with its JSON).
 */
export function changesBySource<Row extends { seq: number }>(
  stored: readonly string[],
  wanted: readonly string[] | undefined,
  count: number,
  read: {
    seqs: (source: string) => number[];
    rows: (source: string, upTo: number) => Row[];
  },
): Row[] {
  const allowed = wanted && new Set(wanted);
  const sources = stored.filter((id) => !allowed || allowed.has(id));
  if (sources.length === 1) return read.rows(sources[0]!, Number.MAX_SAFE_INTEGER).slice(0, count);
  const seqs = sources.flatMap((id) => read.seqs(id)).sort((a, b) => a - b);
  if (seqs.length === 0) return [];
  const upTo = seqs[Math.min(count, seqs.length) - 1]!;
  return sources.flatMap((id) => read.rows(id, upTo)).sort((a, b) => a.seq - b.seq);
}

export function toChangeEntry(row: ChangeRow): ChangeEntry {
  // The same keys in the same order as before: a change serialized whole reads the same.
  const { seq, source, id, data, deleted_at } = row;
  const kind = deleted_at === null ? 'upsert' : 'delete';
  return { seq, source, id, kind, invoice: JSON.parse(data) as Invoice, deletedAt: deleted_at };
}

export function toChangeJson(row: ChangeRow<Uint8Array>): ChangeJson {
  const { seq, source, id, data, deleted_at } = row;
  return {
    seq,
    source,
    id,
    kind: deleted_at === null ? 'upsert' : 'delete',
    json: data,
    deletedAt: deleted_at,
  };
}

/** A `sources` row with its derived columns (`hwm`, `quarantined`). */
export interface SourceRow {
  id: string;
  name: string;
  failing: number | boolean;
  last_error: string | null;
  last_full: string | null;
  last_incremental: string | null;
  checkpoint: string | null;
  walk_state: string | null;
  hwm: number | null;
  quarantined: number;
}

export function checkRow(sourceId: string, invoice: Invoice, raw: WireInvoice): void {
  if (invoice.source !== sourceId) {
    throw new StoreError(
      'invalid_invoice',
      `Invoice ${invoice.id} is from source "${invoice.source}", not "${sourceId}"`,
    );
  }
  if (!Number.isSafeInteger(invoice.id) || invoice.id <= 0) {
    throw new StoreError('invalid_invoice', `Invoice id ${invoice.id} is not a positive integer`);
  }
  if (Number(raw.id) !== invoice.id) {
    throw new StoreError(
      'invalid_invoice',
      `Invoice ${invoice.id} comes with the raw record of invoice ${raw.id}`,
    );
  }
}

export function exactAmounts(invoice: Invoice): Amounts {
  try {
    return amountsOf(invoice);
  } catch (cause) {
    throw new StoreError(
      'invalid_invoice',
      `Invoice ${invoice.id}: total "${invoice.total}" or credit "${invoice.credit}" is not an exact amount`,
      { cause },
    );
  }
}

export function mustExist(changes: number, sourceId: string): void {
  if (changes === 0) throw unknownSource(sourceId);
}

export function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** SQLite's BINARY collation (UTF-8 bytes), which orders the key index. */
export function compareBinary(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function pageSize(limit: number): number {
  return Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 0;
}

/** `YYYY-MM` or `YYYY-MM-DD` to its month. */
export function monthOf(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$/.test(value)) {
    throw new RangeError(`revenue: ${name} "${value}" is not a month (YYYY-MM) or a date (YYYY-MM-DD)`);
  }
  return value.slice(0, 7);
}

export function toStored(row: InvoiceRow): StoredInvoice {
  return {
    invoice: JSON.parse(row.data) as Invoice,
    raw: JSON.parse(row.raw) as WireInvoice,
    hash: row.hash,
    seq: row.seq,
    deletedAt: row.deleted_at,
  };
}

export function toSourceRecord(row: SourceRow): SourceRecord {
  const record: SourceRecord = {
    id: row.id,
    name: row.name,
    failing: row.failing === 1 || row.failing === true,
    highWaterMark: row.hwm ?? 0,
    walkState: parseWalkState(row.walk_state),
    quarantined: row.quarantined,
  };
  if (row.last_full !== null) record.lastFull = parseRecord(syncRunResultSchema, row.last_full);
  if (row.last_incremental !== null)
    record.lastIncremental = parseRecord(syncRunResultSchema, row.last_incremental);
  if (row.last_error !== null) record.lastError = parseRecord(sourceErrorRecordSchema, row.last_error);
  if (row.checkpoint !== null) record.checkpoint = parseRecord(syncCheckpointSchema, row.checkpoint);
  return record;
}

/** Unknown source: the one message both engines give. */
export function unknownSource(sourceId: string): StoreError {
  return new StoreError(
    'unknown_source',
    `Unknown source "${sourceId}": register it with upsertSource() first`,
  );
}

/** One row of `revenue()` from exact sums. */
export function toRevenueRow(r: RevenueSums): RevenueRow {
  return {
    month: r.month,
    currency: r.currency,
    ...(r.source !== undefined ? { source: r.source } : {}),
    invoiced: formatUnits(r.units.invoiced),
    collected: formatUnits(r.units.collected),
    outstanding: formatUnits(r.units.outstanding),
    creditApplied: formatUnits(r.units.creditApplied),
    refunded: formatUnits(r.units.refunded),
    cancelled: formatUnits(r.units.cancelled),
    invoiceCount: r.invoiceCount,
  };
}
