import type { Invoice } from '@forecaster/whmcs-client';
import type pg from 'pg';
import type { RevenueDelta } from '../revenue.ts';

/** One invoice row to write, as the columns of the batched upsert. */
export interface PendingRow {
  id: number;
  invoice: Invoice;
  total: bigint;
  credit: bigint;
  raw: string;
  hash: string;
  seq: number;
}

/** One batched upsert of a page's new and changed invoices. */
export async function upsertInvoices(
  client: pg.PoolClient,
  sourceId: string,
  rows: PendingRow[],
  seen: string | null,
): Promise<void> {
  const column = <T>(pick: (r: PendingRow) => T) => rows.map(pick);
  await client.query(
    `INSERT INTO invoices (source, id, status, currency, client_id, issue_date, due_date, paid_date,
       total_units, credit_units, data, raw, hash, seq, deleted_at, seen_run)
     SELECT $1::text, t.*, NULL::text, $15::text FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[],
       $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::text[], $12::text[], $13::text[], $14::bigint[]) AS t
     ON CONFLICT (source, id) DO UPDATE SET status = excluded.status, currency = excluded.currency,
       client_id = excluded.client_id, issue_date = excluded.issue_date, due_date = excluded.due_date,
       paid_date = excluded.paid_date, total_units = excluded.total_units, credit_units = excluded.credit_units,
       data = excluded.data, raw = excluded.raw, hash = excluded.hash, seq = excluded.seq, deleted_at = NULL,
       seen_run = coalesce(excluded.seen_run, invoices.seen_run)`,
    [
      sourceId,
      column((r) => r.id),
      column((r) => r.invoice.status),
      column((r) => r.invoice.currency),
      column((r) => r.invoice.clientId),
      column((r) => r.invoice.issueDate),
      column((r) => r.invoice.dueDate),
      column((r) => (r.invoice.paidAt === null ? null : r.invoice.paidAt.slice(0, 10))),
      column((r) => r.total.toString()),
      column((r) => r.credit.toString()),
      column((r) => JSON.stringify(r.invoice)),
      column((r) => r.raw),
      column((r) => r.hash),
      column((r) => r.seq),
      seen,
    ],
  );
}

/** Adds a transaction's net change to `revenue_monthly` (numeric: exact at any magnitude). */
export async function writeRevenue(client: pg.PoolClient, delta: RevenueDelta): Promise<void> {
  const cells = delta.cells();
  if (cells.length === 0) return;
  const column = <T>(pick: (c: (typeof cells)[number]) => T) => cells.map(pick);
  // Existing cells are updated and new ones inserted in one statement; an upsert would check
  // a withdrawal's negative count against the table before finding the cell it belongs to.
  // Writers are serialized by the change counter, so no other transaction inserts a cell meanwhile.
  await client.query(
    `WITH d (month, currency, source, measure, units, count) AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::bigint[])),
     changed AS (
       UPDATE revenue_monthly r SET units = r.units + d.units, count = r.count + d.count FROM d
       WHERE (r.month, r.currency, r.source, r.measure) = (d.month, d.currency, d.source, d.measure)
       RETURNING r.month, r.currency, r.source, r.measure)
     INSERT INTO revenue_monthly (month, currency, source, measure, units, count)
     SELECT d.* FROM d WHERE (d.month, d.currency, d.source, d.measure) NOT IN (SELECT * FROM changed)`,
    [
      column((c) => c.month),
      column((c) => c.currency),
      column((c) => c.source),
      column((c) => c.measure),
      column((c) => c.units.toString()),
      column((c) => c.count),
    ],
  );
  // An empty cell is removed, so that a month nothing falls in any more is not reported.
  await client.query('DELETE FROM revenue_monthly WHERE count = 0');
}
