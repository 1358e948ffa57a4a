import { describe, expect, it } from 'vitest';
import { expectStoreEqualsSim, simSource } from './harness.ts';
import { openBridge, reliabilityConfig } from './reliability-support.ts';

/*
 * Pages grow within a run from pageSize to the largest size WHMCS answers within the budget.
 * The next run starts at that size (walkState.pageSize) instead of spending its first calls
 * on small pages again: an incremental run reads its few thousand rows in fewer calls.
 */

describe('page sizes remembered from one run to the next', () => {
  it('an incremental run after a full sync starts with pages the size the full sync grew to', async () => {
    const eu = await simSource('eu', { invoices: 6_000, seed: 81 });
    const sim = eu.served.sim;
    // A budget no page misses on this machine, loaded or not: pages double every call.
    const { file, env } = reliabilityConfig([eu], { pageSize: 100, sync: { pageBudgetMs: 120_000 } });
    const bridge = await openBridge(file, env);
    expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
    expect((await bridge.store.getSource('eu'))?.walkState.pageSize).toBe(999);
    for (let i = 0; i < 1_500; i++) sim.addInvoice({ status: 'Paid' });
    sim.clearRequests();
    const run = await bridge.engine.run('eu', 'incremental');
    expect(run.result, JSON.stringify(run.error)).toBe('ok');
    await expectStoreEqualsSim(bridge.store, eu);
    const calls = sim.requests.filter((r) => r.action === 'getinvoices');
    // The sweep newest first reads thousands of rows (new invoices and the seeded open ones):
    // in pages of 999 from the first (before: 100, 200, 400, 800, then 999).
    const sweep = calls.filter((r) => !r.params.status);
    expect(Number(calls[0]!.params.limitnum)).toBe(999);
    expect(sweep.length).toBeGreaterThan(1);
    expect(sweep.every((r) => Number(r.params.limitnum) >= 999)).toBe(true);
  });
});
