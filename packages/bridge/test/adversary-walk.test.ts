import { describe, expect, it } from 'vitest';
import { expectStoreEqualsSim, simSource } from './harness.ts';
import { listedInvoices, openBridge, reliabilityConfig } from './reliability-support.ts';
import { rewritingProxy } from './rewriting-proxy.ts';

/*
 * Adversarial WHMCS for the full sync from both ends, over real loopback HTTP: each run either
 * ends exact or fails with nothing deleted.
 */

type Rows = { invoice?: unknown[] } | undefined;

describe('the full sync against a WHMCS whose limitnum cap appears mid-walk', () => {
  it('a proxy that starts cutting pages short after some calls: never a tombstone for an invoice WHMCS still has', async () => {
    const eu = await simSource('eu', { invoices: 2_000, seed: 61 });
    let calls = 0;
    let cutAfter = Number.POSITIVE_INFINITY;
    let cut = 0;
    const proxy = await rewritingProxy(eu.served.url, new Map(), (form, json) => {
      if (form.get('action')?.toLowerCase() !== 'getinvoices') return json;
      const rows = (json.invoices as Rows)?.invoice;
      if (++calls <= cutAfter || !Array.isArray(rows) || rows.length <= cut) return json;
      // From here on, `cut` rows fewer than asked: a limit that PHP or a plugin starts applying.
      return { ...json, numreturned: rows.length - cut, invoices: { invoice: rows.slice(0, -cut) } };
    });
    const { file, env } = reliabilityConfig([eu], { pageSize: 100, url: proxy.url });
    const bridge = await openBridge(file, env);
    expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
    await expectStoreEqualsSim(bridge.store, eu);
    const stored = (await listedInvoices(bridge.app)).length;
    for (const [after, rows] of [
      [2, 5],
      [3, 20],
    ] as const) {
      calls = 0;
      cutAfter = after;
      cut = rows;
      const run = await bridge.engine.run('eu', 'full');
      if (run.result === 'ok') await expectStoreEqualsSim(bridge.store, eu);
      expect({ after, removed: run.removed }).toEqual({ after, removed: 0 });
      expect((await listedInvoices(bridge.app)).length).toBe(stored);
      cutAfter = Number.POSITIVE_INFINITY;
    }
    // The fault cleared: exact again.
    const clean = await bridge.engine.run('eu', 'full');
    expect(clean.result, JSON.stringify(clean.error)).toBe('ok');
    await expectStoreEqualsSim(bridge.store, eu);
  });
});

describe('the incremental sync against a WHMCS that starts cutting pages short', () => {
  it('old unpaid invoices paid since the last run are never tombstoned because a list ended early', async () => {
    const eu = await simSource('eu', { invoices: 3_000, seed: 62 });
    const sim = eu.served.sim;
    let cut = 0;
    const proxy = await rewritingProxy(eu.served.url, new Map(), (form, json) => {
      if (form.get('action')?.toLowerCase() !== 'getinvoices') return json;
      const rows = (json.invoices as Rows)?.invoice;
      if (cut === 0 || !Array.isArray(rows) || rows.length <= cut) return json;
      return { ...json, numreturned: rows.length - cut, invoices: { invoice: rows.slice(0, -cut) } };
    });
    // Pages fixed at 100, proven full before the cut: a short page is then the end, not a cap to
    // confirm (with pages that grow, each cut page is asked again and the walk reads everything).
    const { file, env } = reliabilityConfig([eu], {
      pageSize: 100,
      url: proxy.url,
      sync: { maxPageSize: 100 },
    });
    const bridge = await openBridge(file, env);
    expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
    await expectStoreEqualsSim(bridge.store, eu);
    const stored = (await listedInvoices(bridge.app)).length;
    // The oldest open invoices leave the open lists (paid): the run must find where they went.
    const oldUnpaid = [...sim.visibleInvoices()].filter((i) => i.status === 'Unpaid').slice(0, 30);
    for (const inv of oldUnpaid) sim.payInvoice(inv.id);
    cut = 3;
    const run = await bridge.engine.run('eu', 'incremental');
    expect(run.removed, JSON.stringify(run.error)).toBe(0);
    // The list cut short fails its own walk (WHMCS counts more than it listed, beyond the orphans
    // the last full walk counted): the run says so instead of ending ok with a gap.
    expect(run.result).toBe('failed');
    expect(run.error?.code).toBe('incomplete_walk');
    expect((await listedInvoices(bridge.app)).length).toBe(stored);
    cut = 0;
    const clean = await bridge.engine.run('eu', 'incremental');
    expect(clean.result, JSON.stringify(clean.error)).toBe('ok');
    await expectStoreEqualsSim(bridge.store, eu);
  });
});
