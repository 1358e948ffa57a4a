import type { WireInvoice } from '@forecaster/whmcs-client';
import type pg from 'pg';
import type { WhmcsOrder, WhmcsOrderQuery } from '../types.ts';
import { transaction } from './pool.ts';

/*
 * GetInvoices' orderings, as the SQLite store orders them (NULL before the zero date before
 * every real date, byte order for text). PostgreSQL sorts NULL last when ascending unless told.
 */
export const WHMCS_ORDER_KEYS: Record<Exclude<WhmcsOrderQuery['orderBy'], 'default'>, string> = {
  id: 'id',
  invoicenumber: `coalesce(raw::json ->> 'invoicenum', '') COLLATE "C"`,
  date: `(raw::json ->> 'date') COLLATE "C"`,
  duedate: `(raw::json ->> 'duedate') COLLATE "C"`,
  total: 'total_units',
  status: 'status',
};

/** WHMCS's own order (no orderby), before the id. */
const WHMCS_DEFAULT_ORDER = `status DESC, ${WHMCS_ORDER_KEYS.duedate} ASC NULLS FIRST`;

/** Migration 15 (postgres/migrations.ts): an index for each order, over live invoices. */
export const WHMCS_ORDER_INDEXES = [
  ['default', WHMCS_DEFAULT_ORDER],
  ['invoicenumber', WHMCS_ORDER_KEYS.invoicenumber],
  ['date', `${WHMCS_ORDER_KEYS.date} ASC NULLS FIRST`],
  ['duedate', `${WHMCS_ORDER_KEYS.duedate} ASC NULLS FIRST`],
  ['total', WHMCS_ORDER_KEYS.total],
]
  .map(
    ([name, keys]) =>
      `CREATE INDEX invoices_whmcs_${name} ON invoices (source, ${keys}, id) WHERE deleted_at IS NULL;`,
  )
  .join('\n');

/**
 * The PostgreSQL side of the facade's port (facade/whmcs-pages.ts): the ids of a source's live
 * invoices matching the filter, in GetInvoices' order, with the seq of the same snapshot.
 */
export async function whmcsOrder(
  pool: pg.Pool,
  sourceId: string,
  query: WhmcsOrderQuery,
): Promise<WhmcsOrder> {
  const { sql, params } = whmcsOrderSql(sourceId, query);
  // One snapshot: the seq and the ids agree while a sync writes.
  return transaction(
    pool,
    async (client) => {
      const seq = await client.query<{ value: number }>("SELECT value FROM meta WHERE key = 'seq'");
      const { rows } = await client.query<{ id: string }>(sql, params);
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

/** The ids of a source's live invoices matching the filter, in GetInvoices' order. */
export function whmcsOrderSql(sourceId: string, query: WhmcsOrderQuery): { sql: string; params: unknown[] } {
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
  // Only the dates can be NULL: on the other keys a NULLS clause would keep their index from
  // serving the order.
  const nullable = query.orderBy === 'date' || query.orderBy === 'duedate';
  const direction =
    query.order === 'desc' ? `DESC${nullable ? ' NULLS LAST' : ''}` : `ASC${nullable ? ' NULLS FIRST' : ''}`;
  const orderBy =
    query.orderBy === 'default'
      ? `${WHMCS_DEFAULT_ORDER}, id`
      : query.orderBy === 'id'
        ? // id is never NULL: a NULLS clause would keep the key's index from serving the order.
          `id ${query.order === 'desc' ? 'DESC' : 'ASC'}`
        : `${WHMCS_ORDER_KEYS[query.orderBy]} ${direction}, id`;
  return { sql: `SELECT id FROM invoices WHERE ${where.join(' AND ')} ORDER BY ${orderBy}`, params };
}
