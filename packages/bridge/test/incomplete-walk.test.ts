import { describe, expect, it } from 'vitest';
import { simSource } from './harness.ts';
import { AUTH, listedInvoices, openBridge, reliabilityConfig } from './reliability-support.ts';
import { rewritingProxy } from './rewriting-proxy.ts';

/*
 * Issue 10, item 2: a short page that brought nothing new ended a full walk early, the run
 * reported ok, and every invoice after it was tombstoned (100 live of 2,000). A full sync now
 * deletes only with positive evidence that it saw the whole list.
 */

describe('a full sync deletes only when it can show it saw every invoice', () => {
  for (const [name, editPage] of [
    [
      'every page after the first comes back empty, with totalresults 2000',
      (form: URLSearchParams, json: Record<string, unknown>) =>
        Number(form.get('limitstart') ?? 0) > 0 ? { ...json, invoices: [], numreturned: 0 } : json,
    ],
  ] as const) {
    it(`${name}: the run fails with incomplete_walk, keeps everything, and says what it saw`, async () => {
      const eu = await simSource('eu', { invoices: 2_000, seed: 31, orphans: 0 });
      let broken = false;
      const proxy = await rewritingProxy(eu.served.url, new Map(), (form, json) =>
        broken ? editPage(form, json) : json,
      );
      const { file, env } = reliabilityConfig([eu], { pageSize: 100, url: proxy.url });
      const bridge = await openBridge(file, env);
      expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
      const before = (await listedInvoices(bridge.app)).length;
      expect(before).toBe(2_000);

      broken = true;
      const run = await bridge.engine.run('eu', 'full');
      expect(run.result, JSON.stringify(run)).toBe('failed');
      expect(run.removed).toBe(0);
      expect(run.error?.code).toBe('incomplete_walk');
      expect((await listedInvoices(bridge.app)).length).toBe(before);
      const view = (await (await bridge.app.request('/v1/sources/eu', { headers: AUTH })).json()) as {
        data: { state: string; lastError: { code: string; message: string } };
      };
      expect(view.data.lastError.code).toBe('incomplete_walk');
      expect(view.data.lastError.message).toMatch(/2,?000|#\d+/);

      broken = false;
      const healed = await bridge.engine.run('eu', 'full');
      expect(healed.result).toBe('ok');
      expect((await listedInvoices(bridge.app)).length).toBe(before);
    }, 120_000);
  }
});
