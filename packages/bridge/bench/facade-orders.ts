/*
 * The WHMCS facade's pages in-process (no HTTP), in each of GetInvoices' 13 orders, over one
 * source of N invoices (and a small second source): the first call (cold), a warm walk (40 pages
 * of 250 from the start, 40 at random offsets), then the first call after a write to the OTHER
 * source, and the first call after a write to THIS source (250 edits, 250 new, 10 removed).
 *
 *   pnpm tsx bench/facade-orders.ts [invoices=100000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WhmcsPages } from '../src/facade/whmcs-pages.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { editInvoice, makeInvoice, seededRandom } from '../src/store/invoice-fixtures.ts';
import type { FetchedInvoice, WhmcsPageQuery } from '../src/store/types.ts';
import { percentile } from './harness.ts';

const invoices = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'facade-orders-'));
const store = openSqliteStore({ path: join(dir, 'bridge.sqlite') });
const random = seededRandom(1);
const pool = Array.from({ length: Math.min(20_000, invoices) }, (_, i) =>
  makeInvoice(random, { source: 'x', id: i + 1, timeZone: 'Europe/Berlin' }),
);
const row = (source: string, id: number): FetchedInvoice => {
  const t = pool[(id * 7919) % pool.length]!;
  return { invoice: { ...t.invoice, source, id }, raw: { ...t.raw, id: String(id) } };
};
const fill = async (source: string, count: number) => {
  await store.upsertSource({ id: source, name: source });
  for (let first = 1; first <= count; first += 500) {
    const rows = Array.from({ length: Math.min(500, count - first + 1) }, (_, i) => row(source, first + i));
    await store.applyPage(source, rows, null, 'fill');
  }
};
const load = () => loadavg()[0]!.toFixed(1);
let started = performance.now();
await fill('eu', invoices);
await fill('us', 1000);
console.log(`filled ${invoices} in ${((performance.now() - started) / 1000).toFixed(1)} s (load ${load()})`);

const ORDERS = [
  ['default', 'asc'],
  ...(['id', 'invoicenumber', 'date', 'duedate', 'total', 'status'] as const).flatMap((c) => [
    [c, 'asc'],
    [c, 'desc'],
  ]),
] as Array<[WhmcsPageQuery['orderBy'], 'asc' | 'desc']>;
const pages = new WhmcsPages(store);
const call = async (orderBy: WhmcsPageQuery['orderBy'], order: 'asc' | 'desc', offset: number) => {
  const t = performance.now();
  const page = await pages.page('eu', { orderBy, order, offset, limit: 250 });
  if (page.rows.length !== Math.min(250, page.total - offset)) throw new Error('short page');
  return performance.now() - t;
};
const pick = seededRandom(7);
const result = new Map<string, { cold: number; p99: number; other: number; own: number }>();
started = performance.now();
for (const [orderBy, order] of ORDERS) {
  const cold = await call(orderBy, order, 0);
  const times: number[] = [];
  for (let p = 0; p < 40; p++) times.push(await call(orderBy, order, p * 250));
  for (let i = 0; i < 40; i++) times.push(await call(orderBy, order, Math.floor(pick() * (invoices - 250))));
  result.set(`${orderBy} ${order}`, { cold, p99: percentile(times, 99), other: 0, own: 0 });
}
console.log(`cold + warm walks (load ${load()})`);
// A write to the other source, then the first call in each order.
await store.applyPage('us', [editInvoice(random, { source: 'us', id: 3, timeZone: 'Europe/Berlin' })], null);
for (const [orderBy, order] of ORDERS)
  result.get(`${orderBy} ${order}`)!.other = await call(orderBy, order, 0);
// Writes to this source: before each order's first call, 250 edits, 250 new, 10 removed.
let next = invoices + 1;
for (const [orderBy, order] of ORDERS) {
  const edits = Array.from({ length: 250 }, () =>
    editInvoice(random, { source: 'eu', id: 1 + Math.floor(pick() * invoices), timeZone: 'Europe/Berlin' }),
  );
  const added = Array.from({ length: 250 }, () => row('eu', next++));
  await store.applyPage('eu', [...edits, ...added], null);
  await store.removeInvoices(
    'eu',
    Array.from({ length: 10 }, () => 1 + Math.floor(pick() * invoices)),
  );
  const t = performance.now();
  await pages.page('eu', { orderBy, order, offset: Math.floor(pick() * invoices), limit: 250 });
  result.get(`${orderBy} ${order}`)!.own = performance.now() - t;
}
console.log(`after writes (load ${load()}); ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log('order              cold ms   warm p99   1st after write elsewhere   1st after write here');
for (const [name, r] of result) {
  console.log(
    `${name.padEnd(18)} ${r.cold.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(10)} ${r.other.toFixed(1).padStart(27)} ${r.own.toFixed(1).padStart(22)}`,
  );
}
await store.close();
rmSync(dir, { recursive: true, force: true });
