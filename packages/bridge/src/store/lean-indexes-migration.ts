import type { Migration } from './migrations.ts';

/**
 * Migration 12: the invoices keep only indexes a query the store runs reads (issue 17 item 5;
 * store/query-plans.test.ts reads the plans). Every index is written on every insert: a row in
 * a random place of an index dirties a page of it, which each commit writes to the WAL.
 * - `invoices_seq` (seq): the change feed and the "changed since" filter read each source's seq
 *   range from `invoices_source_seq` and merge them by seq (sources are few), so the global seq
 *   order is never read. A seq is still unique: the write lock hands them out in order.
 * - `invoices_live_status` (source, status, id, client_id) where live: the open set and the counts
 *   by status read `invoices_whmcs_status` (source, deleted_at, status, id) of migration 15,
 *   which holds the same rows in the same order; the open set looks its client ids up by key.
 */
export const leanIndexesMigration: Migration = {
  version: 12,
  name: 'only the indexes the queries read',
  up(db) {
    db.exec(`
      DROP INDEX invoices_seq;
      DROP INDEX invoices_live_status;
    `);
  },
};
