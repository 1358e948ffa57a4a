import type { WireInvoice } from '@forecaster/whmcs-client';
import type pg from 'pg';
import type { WhmcsOrder, WhmcsOrderChanges, WhmcsOrderQuery, WhmcsSortKey } from '../types.ts';
import { columns, OrderColumns, sortKeys } from '../whmcs-order-columns.ts';
import { type Queryable, transaction } from './pool.ts';

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

/** Rows fetched from an order's cursor at a time (tests lower it to fetch many times). */
export const cursorBatch = { rows: 20_000 };

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
 * invoices matching the filter, in GetInvoices' order with their keys, and the source's seq of the
 * same snapshot.
 */
export async function whmcsOrder(
  pool: pg.Pool,
  sourceId: string,
  query: WhmcsOrderQuery,
): Promise<WhmcsOrder> {
  const { sql, params, keyCount } = whmcsOrderSql(sourceId, query);
  // One snapshot: the seq and the ids agree while a sync writes.
  return transaction(
    pool,
    async (client) => {
      const seq = await sourceSeq(client, sourceId);
      // A cursor, fetched in batches: the whole order as one result would sit in memory at once.
      // DECLARE takes no bind parameters: they go in as literals, escaped by the driver.
      const text = sql.replace(/\$(\d+)/g, (_, n: string) =>
        client.escapeLiteral(String(params[Number(n) - 1])),
      );
      await client.query(`DECLARE whmcs_order NO SCROLL CURSOR FOR ${text}`);
      const out = new OrderColumns(keyCount);
      for (;;) {
        const { rows } = await client.query<WhmcsSortKey[]>({
          text: `FETCH ${cursorBatch.rows} FROM whmcs_order`,
          rowMode: 'array',
        });
        for (const row of rows) out.add(row);
        if (rows.length < cursorBatch.rows) break;
      }
      await client.query('CLOSE whmcs_order');
      return { seq, ...out.order };
    },
    'REPEATABLE READ',
  );
}

/** What changed in a source since `since` (Store.whmcsOrderChanges). */
export async function whmcsOrderChanges(
  pool: pg.Pool,
  sourceId: string,
  query: WhmcsOrderQuery,
  since: number,
  limit: number,
): Promise<WhmcsOrderChanges | undefined> {
  const { sql, params, keyCount } = whmcsOrderSql(sourceId, query, since);
  return transaction(
    pool,
    async (client) => {
      const { rows: changed } = await client.query<{ id: number }>(
        'SELECT id FROM invoices WHERE source = $1 AND seq > $2 LIMIT $3',
        [sourceId, since, limit + 1],
      );
      if (changed.length > limit) return undefined;
      const { rows } = await client.query<WhmcsSortKey[]>({ text: sql, values: params, rowMode: 'array' });
      return {
        seq: await sourceSeq(client, sourceId),
        changed: changed.map((r) => r.id),
        matching: columns(rows, keyCount),
      };
    },
    'REPEATABLE READ',
  );
}

/** The source's seq: the highest of its invoices' (0 without any). */
export async function sourceSeq(client: Queryable, sourceId: string): Promise<number> {
  const { rows } = await client.query<{ seq: number }>(
    'SELECT coalesce(max(seq), 0) AS seq FROM invoices WHERE source = $1',
    [sourceId],
  );
  return rows[0]!.seq;
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

/**
 * The ids of a source's live invoices matching the filter, in GetInvoices' order, each with the
 * keys it sorts by (WhmcsOrder.keys); with `since`, only those written after that seq, unordered.
 */
export function whmcsOrderSql(
  sourceId: string,
  query: WhmcsOrderQuery,
  since?: number,
): { sql: string; params: unknown[]; keyCount: number } {
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
  if (since !== undefined) where.push(`seq > ${param(since)}`);
  // Only the dates can be NULL: on the other keys a NULLS clause would keep their index from
  // serving the order.
  const nullable = query.orderBy === 'date' || query.orderBy === 'duedate';
  const direction =
    query.order === 'desc' ? `DESC${nullable ? ' NULLS LAST' : ''}` : `ASC${nullable ? ' NULLS FIRST' : ''}`;
  const keys = sortKeys(query, WHMCS_ORDER_KEYS);
  const orderBy =
    query.orderBy === 'default'
      ? `${WHMCS_DEFAULT_ORDER}, id`
      : query.orderBy === 'id'
        ? // id is never NULL: a NULLS clause would keep the key's index from serving the order.
          `id ${query.order === 'desc' ? 'DESC' : 'ASC'}`
        : `${WHMCS_ORDER_KEYS[query.orderBy]} ${direction}, id`;
  const select = `SELECT ${['id', ...keys].join(', ')} FROM invoices WHERE ${where.join(' AND ')}`;
  return {
    sql: since === undefined ? `${select} ORDER BY ${orderBy}` : select,
    params,
    keyCount: keys.length,
  };
}
