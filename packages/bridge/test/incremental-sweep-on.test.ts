import { describe, expect, it } from 'vitest';
import { bridgeFor, expectStoreEqualsSim, simSource } from './harness.ts';

/*
 * The first incremental run after a full sync plans as if no open invoice left its list
 * (DEFAULT_VANISHED_SHARE 0): where old open invoices are spread over every id and many of them
 * left, it walked every open status below its sweep and then swept on down past them all
 * anyway (bench section 2, world A: 113 calls against the full sync's 106). The first page of
 * each status walked says how many left (WHMCS's count against the store's): the run sweeps
 * on down at once when that costs less than going on.
 */

const OPEN = new Set(['Unpaid', 'Payment Pending', 'Collections', 'Draft']);

describe('walks per status below the sweep, given up when many left their lists', () => {
  it('sweeps on down after one page of a status when finding the leavers would cost more', async () => {
    const eu = await simSource('eu', { invoices: 6_000, seed: 206, clients: 240 });
    // Pages fixed at 100 whatever the machine's load (a slow page would shrink them): calls counted.
    const source = { pageSize: 100, sync: { maxPageSize: 100, pageBudgetMs: 120_000 } };
    const bridge = await bridgeFor([eu], {
      extra: {
        sources: [
          {
            id: 'eu',
            url: eu.served.url,
            credentials: { identifier: 'forecaster', secret: { env: 'SECRET_EU' } },
            timeZone: 'UTC',
            concurrency: 2,
            ...source,
          },
        ],
      },
    });
    const sim = eu.served.sim;
    expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
    const open = [...sim.visibleInvoices()].filter((i) => OPEN.has(i.status));
    open.forEach((invoice, k) => {
      if (k % 8 === 0) sim.payInvoice(invoice.id);
      else if (k % 8 === 1) sim.cancelInvoice(invoice.id);
    });
    sim.addInvoice({});
    const visible = [...sim.visibleInvoices()].length;
    const run = await bridge.engine.run('eu', 'incremental');
    expect(run.result).toBe('ok');
    // One page of the first status walked, a sweep down to the oldest open invoice in pages of
    // 100, and Unpaid below it (one call); going on cost 7 calls of walks per status first (68 calls).
    const phases = Object.entries(run.callsByPhase ?? {});
    const byStatus = phases.filter(([phase]) => phase.startsWith('open:')).map(([, calls]) => calls);
    expect(
      byStatus.reduce((a, b) => a + b, 0),
      JSON.stringify(run.callsByPhase),
    ).toBeLessThanOrEqual(2);
    const sweepAll = Math.floor(visible / 100) + 1;
    expect(run.calls, JSON.stringify(run.callsByPhase)).toBeLessThanOrEqual(sweepAll + 3);
    await expectStoreEqualsSim(bridge.store, eu);
    expect((await bridge.store.getSource('eu'))!.walkState.vanishedShare).toBeCloseTo(
      open.filter((_, k) => k % 8 < 2).length / open.length,
      5,
    );
  });
});
