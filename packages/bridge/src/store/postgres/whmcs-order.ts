import type { WireInvoice } from '@forecaster/whmcs-client';
import type pg from 'pg';
import type { WhmcsOrder, WhmcsOrderQuery } from '../types.ts';
import { transaction } from './pool.ts';

/*
 * GetInvoices' orderings, as the SQLite store orders them (NULL before the zero date before
 * every real date, byte order for text). PostgreSQL sorts NULL last when ascending unless told.
 */
const WHMCS_ORDER_KEYS: Record<Exclude<WhmcsOrderQuery['orderBy'], 'default'>, string> = {
  id: 'id',
  invoicenumber: `coalesce(raw::json ->> 'invoicenum', '') COLLATE "C"`,
  date: `(raw::json ->> 'date') COLLATE "C"`,
  duedate: `(raw::json ->> 'duedate') COLLATE "C"`,
  total: 'total_units',
  status: 'status',
};

/**
 * The PostgreSQL side of the facade's port (facade/whmcs-pages.ts): the ids of a source's live
 * invoices matching the filter, in GetInvoices' order, with the seq of the same snapshot.
 */
export async function whmcsOrder(
  pool: pg.Pool,
  sourceId: string,
  query: WhmcsOrderQuery,
): Promise<WhmcsOrder> {
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
  // One snapshot: the seq and the ids agree while a sync writes.
  return transaction(
    pool,
    async (client) => {
      const seq = await client.query<{ value: number }>("SELECT value FROM meta WHERE key = 'seq'");
      const { rows } = await client.query<{ id: string }>(
        `SELECT id FROM invoices WHERE ${where.join(' AND ')} ORDER BY ${orderBy}`,
        params,
      );
      return { seq: Number(seq.rows[0]!.value), ids: rows.map((r) => Number(r.id)) };
    },
    'REPEATABLE READ',
  );
}

/** The raw records of these live invoices, in the order asked (undefined: not live). */
export async function whmcsRows(
  pool: pg.Pool,
  sourceId: string,
  ids: readonly number[],
): Promise<Array<WireInvoice | undefined>> {
  const { rows } = await pool.query<{ id: number; raw: string }>(
    'SELECT id, raw FROM invoices WHERE source = $1 AND id = ANY($2::bigint[]) AND deleted_at IS NULL',
    [sourceId, ids],
  );
  const found = new Map(rows.map((r) => [Number(r.id), r.raw]));
  return ids.map((id) => {
    const raw = found.get(id);
    return raw === undefined ? undefined : (JSON.parse(raw) as WireInvoice);
  });
}
