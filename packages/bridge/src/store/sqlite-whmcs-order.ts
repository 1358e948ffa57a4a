import type { WireInvoice } from '@forecaster/whmcs-client';
import type { Database as Db } from 'better-sqlite3';
import type { StatementCache, Statements } from './sqlite-statements.ts';
import type { WhmcsOrder, WhmcsOrderQuery } from './types.ts';

/*
 * GetInvoices' orderings over the columns the store keeps. Dates come from the raw record: the
 * normalized ones fold WHMCS's zero date into null, and MySQL sorts NULL before the zero date
 * before every real date (as SQLite sorts NULL, then '0000-00-00', then 'YYYY-MM-DD'). The
 * normalized status sorts as WHMCS's text does (cancelled < ... < paid < payment_pending < ...).
 */
const WHMCS_ORDER_KEYS: Record<Exclude<WhmcsOrderQuery['orderBy'], 'default'>, string> = {
  id: 'id',
  invoicenumber: "coalesce(CAST(json_extract(raw, '$.invoicenum') AS TEXT), '')",
  date: "json_extract(raw, '$.date')",
  duedate: "json_extract(raw, '$.duedate')",
  total: 'total_units',
  status: 'status',
};

/** The SQLite side of the facade's port (facade/whmcs-pages.ts): orders and raw records. */
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
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    const orderBy =
      query.orderBy === 'default'
        ? `status DESC, ${WHMCS_ORDER_KEYS.duedate}, id`
        : query.orderBy === 'id'
          ? `id ${direction}`
          : `${WHMCS_ORDER_KEYS[query.orderBy]} ${direction}, id`;
    const select = this.statements
      .get<number>(`SELECT id FROM invoices WHERE ${where.join(' AND ')} ORDER BY ${orderBy}`)
      .pluck();
    // One read transaction: the seq and the ids come from the same snapshot while a sync writes.
    return this.#read(() => ({ seq: this.sql.getSeq.get()!, ids: select.all(...params) })) as WhmcsOrder;
  }

  rows(sourceId: string, ids: readonly number[]): Array<WireInvoice | undefined> {
    const found = new Map<number, string>();
    for (const row of this.sql.liveRaw.all(sourceId, JSON.stringify(ids))) found.set(row.id, row.raw);
    return ids.map((id) => {
      const raw = found.get(id);
      return raw === undefined ? undefined : (JSON.parse(raw) as WireInvoice);
    });
  }
}
