import { LedgerColumns } from '@forecaster/forecast';
import type pg from 'pg';
import { stepped } from '../../bounded-work.ts';
import type { ColumnRow, LedgerColumnsOptions, LedgerColumnsRead } from '../ledger-columns-read.ts';
import { setColumnRow } from '../ledger-columns-read.ts';

/** Rows per round trip: one page's arrays are all that is held besides the columns, and turning
 * them into columns (a few milliseconds) is all the event loop waits for between two awaits. */
export const POSTGRES_COLUMN_PAGE = 2_000;
const PAGE = POSTGRES_COLUMN_PAGE;

// The JSON document is parsed once per row (json_to_record), not once per field.
const selected = (
  exact: boolean | undefined,
) => `source, id, status, currency, client_id, issue_date, due_date, paid_date,
  left(j."cancelledAt", 10), left(j."updatedAt", 10), j.subtotal, j.tax, j.tax2, credit_units, total_units
  ${exact ? ', left(j."refundedAt", 10), credit_units::text, total_units::text' : ''}
  FROM invoices CROSS JOIN LATERAL
    json_to_record(data::json) AS j("cancelledAt" text, "updatedAt" text, "refundedAt" text, subtotal text, tax text, tax2 text)`;

/**
 * The live invoices of these sources (every source when omitted) as columns, in (source, id)
 * order, with the seq they are current at: pages of one REPEATABLE READ snapshot, so no change
 * falls between them.
 */
export async function readPostgresLedgerColumns(
  pool: pg.Pool,
  sources?: readonly string[],
  options: LedgerColumnsOptions = {},
): Promise<LedgerColumnsRead> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const seq = (await client.query<{ value: number }>("SELECT value FROM meta WHERE key = 'seq'")).rows[0]!
      .value;
    if (sources?.length === 0) {
      await client.query('COMMIT');
      return { columns: new LedgerColumns(0, options), seq };
    }
    const filter = sources ? 'AND source = ANY($1::text[])' : '';
    const base = sources ? [sources] : [];
    const n = (
      await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM invoices WHERE deleted_at IS NULL ${filter}`,
        base,
      )
    ).rows[0]!.n;
    // One array at a time: a million exact rows' columns are about 110 MB.
    const columns = await stepped(LedgerColumns.steps(n, options));
    let k = 0;
    let after: [string, number] | undefined;
    for (;;) {
      const params: unknown[] = [...base];
      const param = (v: unknown) => `$${params.push(v)}`;
      const keyset = after ? `AND (source, id) > (${param(after[0])}, ${param(after[1])})` : '';
      const { rows } = await client.query<ColumnRow>({
        text: `SELECT ${selected(options.exact)} WHERE deleted_at IS NULL ${filter} ${keyset} ORDER BY source, id LIMIT ${param(PAGE)}`,
        values: params,
        rowMode: 'array',
      });
      for (const row of rows) setColumnRow(columns, k++, row);
      const last = rows[rows.length - 1];
      if (rows.length < PAGE || !last) break;
      after = [last[0], last[1]];
    }
    await client.query('COMMIT');
    return { columns, seq };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
