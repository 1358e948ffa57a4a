import type { WireInvoice } from '@forecaster/whmcs-client';
import type { Database as Db } from 'better-sqlite3';
import { rebuildRaw } from './raw-record.ts';
import type { StatementCache, Statements } from './sqlite-statements.ts';
import type { WhmcsOrder, WhmcsOrderChanges, WhmcsOrderQuery, WhmcsSortKey } from './types.ts';
import { columns, sortKeys } from './whmcs-order-columns.ts';

/*
 * GetInvoices' orderings over the columns the store keeps. Dates come from the raw record: the
 * normalized ones fold WHMCS's zero date into null, and MySQL sorts NULL before the zero date
 * before every real date (as SQLite sorts NULL, then '0000-00-00', then 'YYYY-MM-DD'). The
 * normalized status sorts as WHMCS's text does (cancelled < ... < paid < payment_pending < ...).
 */
export const WHMCS_ORDER_KEYS: Record<Exclude<WhmcsOrderQuery['orderBy'], 'default'>, string> = {
  id: 'id',
  invoicenumber: `coalesce(CAST(${rawField('invoicenum', "coalesce(json_extract(data, '$.number'), '')")} AS TEXT), '')`,
  date: rawField('date', "coalesce(issue_date, '0000-00-00')"),
  duedate: rawField('duedate', "coalesce(due_date, '0000-00-00')"),
  total: 'total_units',
  status: 'status',
};

/** WHMCS's own order (no orderby): by status, descending, then due date. */
export const WHMCS_DEFAULT_ORDER = `status DESC, ${WHMCS_ORDER_KEYS.duedate}`;

/**
 * A field of the raw record in SQL: from the stored record or patch when it is there (raw-record.ts),
 * else `derived`, what the derivation gives for it from the normalized columns.
 */
function rawField(field: string, derived: string): string {
  return `CASE WHEN raw_full = 1 OR json_type(raw, '$.${field}') IS NOT NULL THEN json_extract(raw, '$.${field}') ELSE ${derived} END`;
}

/** The SQLite side of the facade's port (facade/whmcs-pages.ts): orders, their changes, raw records. */
export class SqliteWhmcsOrder {
  readonly #read;

  constructor(
    db: Db,
    readonly sql: Statements,
    readonly statements: StatementCache,
  ) {
    this.#read = db.transaction((run: () => unknown) => run());
  }

  order(sourceId: string, query: WhmcsOrderQuery): WhmcsOrder {
    const { sql, params, keyCount } = whmcsOrderSql(sourceId, query);
    const select = this.statements.get<unknown[]>(sql).raw();
    // One read transaction: the seq and the ids come from the same snapshot while a sync writes.
    return this.#read(() => ({
      seq: this.sourceSeq(sourceId),
      ...columns(select.iterate(...params) as IterableIterator<WhmcsSortKey[]>, keyCount),
    })) as WhmcsOrder;
  }

  orderChanges(
    sourceId: string,
    query: WhmcsOrderQuery,
    since: number,
    limit: number,
  ): WhmcsOrderChanges | undefined {
    const { sql, params, keyCount } = whmcsOrderSql(sourceId, query, since);
    return this.#read(() => {
      const changed = this.statements
        .get<number>('SELECT id FROM invoices WHERE source = ? AND seq > ? LIMIT ?')
        .pluck()
        .all(sourceId, since, limit + 1);
      if (changed.length > limit) return undefined;
      const rows = this.statements
        .get<unknown[]>(sql)
        .raw()
        .all(...params) as WhmcsSortKey[][];
      return { seq: this.sourceSeq(sourceId), changed, matching: columns(rows, keyCount) };
    }) as WhmcsOrderChanges | undefined;
  }

  sourceSeq(sourceId: string): number {
    return this.statements
      .get<number>('SELECT coalesce(max(seq), 0) FROM invoices WHERE source = ?')
      .pluck()
      .get(sourceId)!;
  }

  rows(sourceId: string, ids: readonly number[]): Array<WireInvoice | undefined> {
    const found = new Map<number, WireInvoice>();
    for (const row of this.sql.liveRaw.all(sourceId, JSON.stringify(ids))) {
      found.set(row.id, rebuildRaw(row.data, row.raw, row.raw_full));
    }
    return ids.map((id) => found.get(id));
  }
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
  const where = ['source = ?', 'deleted_at IS NULL'];
  const params: unknown[] = [sourceId];
  if (query.status !== undefined) {
    where.push('status = ?');
    params.push(query.status);
  }
  if (query.overdueBefore !== undefined) {
    where.push("status = 'unpaid'", `${WHMCS_ORDER_KEYS.duedate} < ?`);
    params.push(query.overdueBefore);
  }
  if (query.userId !== undefined) {
    where.push('client_id = ?');
    params.push(query.userId);
  }
  if (since !== undefined) {
    where.push('seq > ?');
    params.push(since);
  }
  const direction = query.order === 'desc' ? 'DESC' : 'ASC';
  const keys = sortKeys(query, WHMCS_ORDER_KEYS);
  const orderBy =
    query.orderBy === 'default'
      ? `${WHMCS_DEFAULT_ORDER}, id`
      : query.orderBy === 'id'
        ? `id ${direction}`
        : `${WHMCS_ORDER_KEYS[query.orderBy]} ${direction}, id`;
  const select = `SELECT ${['id', ...keys].join(', ')} FROM invoices WHERE ${where.join(' AND ')}`;
  return {
    sql: since === undefined ? `${select} ORDER BY ${orderBy}` : select,
    params,
    keyCount: keys.length,
  };
}
