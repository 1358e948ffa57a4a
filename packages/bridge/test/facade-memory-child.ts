/*
 * Started by facade-memory.test.ts with the bridge's heap flags: pages of the WHMCS facade in
 * several orders over the store at argv[2]; prints what it read and the heap after.
 */
import { WhmcsPages } from '../src/facade/whmcs-pages.ts';
import { openSqliteStore } from '../src/store/index.ts';

const store = openSqliteStore({ path: process.argv[2]! });
const pages = new WhmcsPages(store);
const read: Array<[string, number, number]> = [];
for (const [orderBy, order] of [
  ['default', 'asc'],
  ['date', 'desc'],
  ['duedate', 'asc'],
  ['default', 'asc'],
] as const) {
  const page = await pages.page('big', { orderBy, order, offset: 500_000, limit: 25 });
  read.push([orderBy, page.total, page.rows.length]);
}
console.log(JSON.stringify({ read, heapMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20) }));
