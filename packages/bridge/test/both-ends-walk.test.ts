import { describe, expect, it } from 'vitest';
import { expectStoreEqualsSim, simSource } from './harness.ts';
import { AUTH, listedInvoices, openBridge, reliabilityConfig } from './reliability-support.ts';
import { rewritingProxy } from './rewriting-proxy.ts';

/*
 * Issue 17 item 1: the full sync walks from both ends with pages that grow (the default). The
 * WHMCS in front of it misbehaves as real ones do; each run either ends exact or fails with
 * nothing deleted, and the next one after the fault clears is exact.
 */

type Json = Record<string, unknown> & { invoices?: { invoice?: unknown[] } | unknown[] };

/** Answers at most `cap` rows, whatever limitnum asks (a proxy, a plugin, a PHP limit). */
const capAt = (cap: number) => (_form: URLSearchParams, json: Json) => {
  const rows = (json.invoices as { invoice?: unknown[] })?.invoice;
  if (!Array.isArray(rows) || rows.length <= cap) return json;
  return { ...json, numreturned: cap, invoices: { invoice: rows.slice(0, cap) } };
};

describe('the full sync from both ends against a WHMCS that misbehaves', () => {
  it('caps pages at 100 while the bridge asks for 250 and more: exact, in pages of the cap', async () => {
    const eu = await simSource('eu', { invoices: 2_500, seed: 41 });
    let calls = 0;
    const proxy = await rewritingProxy(eu.served.url, new Map(), (form, json) => {
      if (form.get('action')?.toLowerCase() === 'getinvoices') calls++;
      return capAt(100)(form, json as Json);
    });
    const { file, env } = reliabilityConfig([eu], { pageSize: 250, url: proxy.url });
    const bridge = await openBridge(file, env);
    const run = await bridge.engine.run('eu', 'full');
    expect(run.result, JSON.stringify(run.error)).toBe('ok');
    await expectStoreEqualsSim(bridge.store, eu);
    // About one call per 100 invoices (before: incomplete_walk after the first page's 100).
    expect(calls).toBeLessThan(2_500 / 100 + 10);
  });

  it('ignores `order` (answers desc ascending): the walk up goes on alone, exact; deletes what WHMCS deleted', async () => {
    const eu = await simSource('eu', { invoices: 1_500, seed: 42 });
    // What a WHMCS that ignores `order` sends for desc: the same rows, ascending.
    const blind = await rewritingProxy(eu.served.url, new Map(), (form, json) => {
      const rows = (json.invoices as { invoice?: Array<{ id: number }> })?.invoice;
      if (form.get('order') !== 'desc' || !Array.isArray(rows)) return json;
      return { ...json, invoices: { invoice: [...rows].sort((a, b) => Number(a.id) - Number(b.id)) } };
    });
    const { file, env } = reliabilityConfig([eu], { pageSize: 200, url: blind.url });
    const bridge = await openBridge(file, env);
    const first = await bridge.engine.run('eu', 'full');
    expect({ result: first.result, walk: first.walk }).toEqual({ result: 'ok', walk: 'up' });
    await expectStoreEqualsSim(bridge.store, eu);
    const victims = [...eu.served.sim.visibleInvoices()].slice(100, 110).map((i) => i.id);
    for (const id of victims) eu.served.sim.deleteInvoice(id);
    const again = await bridge.engine.run('eu', 'full');
    expect(again.result, JSON.stringify(again.error)).toBe('ok');
    expect(again.removed).toBe(10);
    await expectStoreEqualsSim(bridge.store, eu);
  });

  it('honours `order=desc` but ignores `asc` (answers it newest first): the walk down alone, named in the run; exact; a cut bottom deletes nothing', async () => {
    const eu = await simSource('eu', { invoices: 1_500, seed: 45 });
    const sim = eu.served.sim;
    let cutBottom = 0;
    let ascSent = 0;
    const proxy = await rewritingProxy(
      eu.served.url,
      new Map(),
      (form, json) => {
        const rows = (json.invoices as { invoice?: Array<{ id: number }> })?.invoice;
        if (!cutBottom || !Array.isArray(rows) || form.get('action')?.toLowerCase() !== 'getinvoices')
          return json;
        // The page that reaches the oldest invoice loses its last rows: a bottom cut short.
        const oldest = [...sim.visibleInvoices()][0]!.id;
        if (!rows.some((r) => Number(r.id) === oldest)) return json;
        return { ...json, invoices: { invoice: rows.slice(0, -cutBottom) } };
      },
      (form) => {
        if (form.get('order') !== 'asc') return;
        ascSent++;
        form.set('order', 'desc');
      },
    );
    const { file, env } = reliabilityConfig([eu], { pageSize: 100, url: proxy.url });
    const bridge = await openBridge(file, env);
    const first = await bridge.engine.run('eu', 'full');
    expect(first.result, JSON.stringify(first.error)).toBe('ok');
    expect(first.walk).toBe('down');
    expect(ascSent).toBe(2);
    await expectStoreEqualsSim(bridge.store, eu);
    // Deleted in WHMCS: the oldest, one in the middle and the newest. Found, and nothing else.
    const all = [...sim.visibleInvoices()].map((i) => i.id);
    for (const id of [all[0]!, all[700]!, all.at(-1)!]) sim.deleteInvoice(id);
    const second = await bridge.engine.run('eu', 'full');
    expect(second.result, JSON.stringify(second.error)).toBe('ok');
    expect({ removed: second.removed, walk: second.walk }).toEqual({ removed: 3, walk: 'down' });
    await expectStoreEqualsSim(bridge.store, eu);
    // The bottom cut short by 5 rows: within the delete budget (150), but not the 0 orphans the last
    // walk counted. Nothing deleted.
    const stored = (await listedInvoices(bridge.app)).length;
    cutBottom = 5;
    const cut = await bridge.engine.run('eu', 'full');
    expect(cut.result).toBe('failed');
    expect(cut.error?.code).toBe('incomplete_walk');
    expect(cut.removed).toBe(0);
    expect((await listedInvoices(bridge.app)).length).toBe(stored);
    const view = await bridge.app.request('/v1/sources/eu', { headers: AUTH });
    expect(((await view.json()) as { data: { lastFull: { walk?: string } } }).data.lastFull.walk).toBe(
      'down',
    );
  });

  it('ignores `orderby` (its default order): incomplete_walk, nothing deleted', async () => {
    const eu = await simSource('eu', { invoices: 1_200, seed: 43 });
    let broken = false;
    const proxy = await rewritingProxy(eu.served.url, new Map(), (_form, json) => {
      const rows = (json.invoices as { invoice?: Array<{ id: number }> })?.invoice;
      if (!broken || !Array.isArray(rows)) return json;
      return {
        ...json,
        invoices: { invoice: [...rows].sort((a, b) => (Number(a.id) % 7) - (Number(b.id) % 7)) },
      };
    });
    const { file, env } = reliabilityConfig([eu], { pageSize: 100, url: proxy.url });
    const bridge = await openBridge(file, env);
    expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
    const before = (await listedInvoices(bridge.app)).length;
    broken = true;
    const run = await bridge.engine.run('eu', 'full');
    expect(run.result).toBe('failed');
    expect(run.error?.code).toBe('incomplete_walk');
    expect(run.removed).toBe(0);
    expect((await listedInvoices(bridge.app)).length).toBe(before);
  });

  it('a page grown past the configured size fails on the server (PHP out of memory): asked again at half, exact', async () => {
    const eu = await simSource('eu', { invoices: 3_000, seed: 44 });
    const sim = eu.served.sim;
    let failed = 0;
    sim.faults.add({
      kind: 'html500',
      match: (r) => {
        const big = r.action === 'getinvoices' && Number(r.params.limitnum ?? 0) > 400;
        if (big) failed++;
        return big;
      },
    });
    const { file, env } = reliabilityConfig([eu], { pageSize: 100 });
    const bridge = await openBridge(file, env);
    const run = await bridge.engine.run('eu', 'full');
    expect(run.result, JSON.stringify(run.error)).toBe('ok');
    expect(failed).toBeGreaterThan(0);
    // Once it failed, pages stay at or under the size that worked.
    expect(failed).toBeLessThanOrEqual(3);
    await expectStoreEqualsSim(bridge.store, eu);
  });
});
