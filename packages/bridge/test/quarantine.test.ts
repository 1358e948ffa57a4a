import { describe, expect, it } from 'vitest';
import { simSource } from './harness.ts';
import { AUTH, listedInvoices, openBridge, reliabilityConfig, sourceView } from './reliability-support.ts';
import { type RowEdit, rewritingProxy } from './rewriting-proxy.ts';

/*
 * Issue 10, items 9 and 10: one malformed invoice stopped every full sync at its page forever,
 * and two invoices of 900 trillion made the page (and /v1/revenue) fail. Now the bad row is
 * quarantined (kept raw, listed with its id, field and value, counted), every other invoice is
 * stored, the run is ok with a warning, and sums are exact at any magnitude.
 */

const malformed: Array<[string, string, RowEdit]> = [
  ['total', '15,95', (r) => ({ ...r, total: '15,95' })],
  ['total', '1,234.50', (r) => ({ ...r, total: '1,234.50' })],
  ['status', 'Overdue', (r) => ({ ...r, status: 'Overdue' })],
  ['datepaid', '2024-03-05T10:00:00+02:00', (r) => ({ ...r, datepaid: '2024-03-05T10:00:00+02:00' })],
  ['total', '10.12345', (r) => ({ ...r, total: '10.12345' })],
  ['total', '1000000000000000.00', (r) => ({ ...r, total: '1000000000000000.00' })],
];

describe('one malformed invoice never blocks the rest', () => {
  it('quarantines each bad row with its id, field and value; stores every other; the run is ok with a warning', async () => {
    const eu = await simSource('eu', { invoices: 600, seed: 21 });
    const visible = [...eu.served.sim.visibleInvoices()].map((i) => i.id);
    // Spread over several pages, one of them twice on one page.
    const badIds = [visible[5]!, visible[150]!, visible[151]!, visible[320]!, visible[480]!, visible[590]!];
    const edits = new Map<number, RowEdit>(badIds.map((id, i) => [id, malformed[i]![2]]));
    // Ids 0 and -4, first in WHMCS's id order: quarantined too, never stored.
    edits.set(visible[0]!, (r) => ({ ...r, id: '-4' }));
    edits.set(visible[1]!, (r) => ({ ...r, id: '0' }));
    const proxy = await rewritingProxy(eu.served.url, edits);
    const { file, env } = reliabilityConfig([eu], { pageSize: 100, url: proxy.url });
    const bridge = await openBridge(file, env);

    const run = await bridge.engine.run('eu', 'full');
    expect(run.error).toBeUndefined();
    expect(run.result).toBe('ok');
    expect(run.quarantined).toBe(8);
    expect(run.warnings?.[0]).toMatch(/^8 invoices could not be stored/);

    const stored = new Set((await listedInvoices(bridge.app)).map((i) => i.id));
    const expected = visible.filter((id) => !edits.has(id));
    expect(stored.size).toBe(expected.length);
    for (const id of expected) expect(stored.has(id)).toBe(true);

    const view = await sourceView<{
      state: string;
      quarantine: {
        count: number;
        rows: Array<{ id: string; field: string; value: string; message: string }>;
      };
    }>(bridge.app, 'eu');
    expect(view.state).toBe('ok');
    expect(view.quarantine.count).toBe(8);
    const byId = new Map(view.quarantine.rows.map((r) => [r.id, r]));
    badIds.forEach((id, i) => {
      const [field, value] = malformed[i]!;
      expect(byId.get(String(id)), String(id)).toMatchObject({ field, value });
      expect(byId.get(String(id))!.message).toContain(`Invoice ${id}`);
    });
    expect(byId.get('0')).toMatchObject({ field: 'id', value: '0' });
    expect(byId.get('-4')).toMatchObject({ field: 'id', value: '-4' });

    const metrics = await (await bridge.app.request('/metrics', { headers: AUTH })).text();
    expect(metrics).toMatch(/bridge_sync_rows_total\{[^}]*kind="quarantined"[^}]*\} 8/);

    // WHMCS fixed: the next sync stores the rows and they leave the quarantine.
    edits.clear();
    const again = await bridge.engine.run('eu', 'full');
    expect(again.result).toBe('ok');
    expect(again.quarantined).toBeUndefined();
    expect((await bridge.store.quarantined('eu')).map((q) => q.ref).sort()).toEqual(['-4', '0']);
    expect((await listedInvoices(bridge.app)).length).toBe(visible.length);
  }, 120_000);

  it('a stored invoice that turns malformed is kept (not deleted) by a full sync', async () => {
    const eu = await simSource('eu', { invoices: 300, seed: 22 });
    const edits = new Map<number, RowEdit>();
    const proxy = await rewritingProxy(eu.served.url, edits);
    const { file, env } = reliabilityConfig([eu], { pageSize: 100, url: proxy.url });
    const bridge = await openBridge(file, env);
    expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
    const id = [...eu.served.sim.visibleInvoices()][42]!.id;
    edits.set(id, (r) => ({ ...r, status: 'Overdue' }));
    const run = await bridge.engine.run('eu', 'full');
    expect(run).toMatchObject({ result: 'ok', removed: 0, quarantined: 1 });
    expect((await bridge.store.getInvoice('eu', id))?.deletedAt).toBeNull();
  }, 60_000);

  it('sums two Paid invoices of 900,000,000,000,000.00 in one month exactly over /v1/revenue', async () => {
    const eu = await simSource('eu', {
      invoices: 300,
      seed: 23,
      currencies: [{ code: 'EUR', prefix: '€', suffix: ' EUR' }],
    });
    const paid = [...eu.served.sim.visibleInvoices()].filter((i) => i.status === 'Paid').slice(0, 2);
    const huge: RowEdit = (r) => ({
      ...r,
      subtotal: '900000000000000.00',
      tax: '0.00',
      credit: '0.00',
      total: '900000000000000.00',
      datepaid: '2024-03-05 10:00:00',
    });
    const proxy = await rewritingProxy(eu.served.url, new Map(paid.map((i) => [i.id, huge])));
    const { file, env } = reliabilityConfig([eu], { pageSize: 300, url: proxy.url });
    const bridge = await openBridge(file, env);
    const run = await bridge.engine.run('eu', 'full');
    expect(run).toMatchObject({ result: 'ok', inserted: 300 });
    const res = await bridge.app.request('/v1/revenue?from=2024-03&to=2024-03', { headers: AUTH });
    expect(res.status).toBe(200);
    const march = ((await res.json()) as { data: Array<{ currency: string; collected: string }> }).data.find(
      (r) => r.currency === 'EUR',
    );
    expect(march?.collected, JSON.stringify(march)).toMatch(/^18000000000\d{5}\.\d{2}$/);
  }, 60_000);
});
