import type { WireInvoice } from '@forecaster/whmcs-client';
import type pg from 'pg';
import { pageSize } from '../records.ts';
import type { WhmcsPage, WhmcsPageQuery } from '../types.ts';
import { transaction } from './pool.ts';

/*
 * GetInvoices' orderings, as the SQLite store orders them (NULL before the zero date before
 * every real date, byte order for text). PostgreSQL sorts NULL last when ascending unless told.
 */
const WHMCS_ORDER_KEYS: Record<Exclude<WhmcsPageQuery['orderBy'], 'default'>, string> = {
  id: 'id',
  invoicenumber: `coalesce(raw::json ->> 'invoicenum', '') COLLATE "C"`,
  date: `(raw::json ->> 'date') COLLATE "C"`,
  duedate: `(raw::json ->> 'duedate') COLLATE "C"`,
  total: 'total_units',
  status: 'status',
};

/** One page of a source's live invoices, filtered and ordered as WHMCS's GetInvoices does. */
export async function whmcsPage(pool: pg.Pool, sourceId: string, query: WhmcsPageQuery): Promise<WhmcsPage> {
  const params: unknown[] = [sourceId];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ['source = $1', 'deleted_at IS NULL'];
  if (query.status !== undefined) where.push(`status = ${param(query.status)}`);
  if (query.overdueBefore !== undefined) {
    where.push("status = 'unpaid'", `${WHMCS_ORDER_KEYS.duedate} < ${param(query.overdueBefore)}`);
  }
  if (query.userId !== undefined) where.push(`client_id = ${param(query.userId)}`);
  const direction = query.order === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS FIRST';
  const orderBy =
    query.orderBy === 'default'
      ? `status DESC, ${WHMCS_ORDER_KEYS.duedate} ASC NULLS FIRST, id`
      : query.orderBy === 'id'
        ? `id ${direction}`
        : `${WHMCS_ORDER_KEYS[query.orderBy]} ${direction}, id`;
  const filter = where.join(' AND ');
  const limit = pageSize(query.limit);
  const offset = pageSize(query.offset);
  // One snapshot: the count and the page agree while a sync writes.
  return transaction(
    pool,
    async (client) => {
      const counted = await client.query<{ n: number }>(
        `SELECT count(*) AS n FROM invoices WHERE ${filter}`,
        params,
      );
      const total = counted.rows[0]!.n;
      if (limit === 0 || offset >= total) return { total, rows: [] };
      const { rows } = await client.query<{ raw: string }>(
        `SELECT raw FROM invoices WHERE ${filter} ORDER BY ${orderBy} LIMIT ${param(limit)} OFFSET ${param(offset)}`,
        params,
      );
      return { total, rows: rows.map((r) => JSON.parse(r.raw) as WireInvoice) };
    },
    'REPEATABLE READ',
  );
}
