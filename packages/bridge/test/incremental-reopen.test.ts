import { describe, expect, it } from 'vitest';
import { bridgeFor, expectStoreEqualsSim, simSource } from './harness.ts';

/*
 * An invoice paid or cancelled long ago, reopened in WHMCS (back to Unpaid: "mark unpaid", a
 * payment taken back). It was in no open list at the last run, and its id is far below the
 * newest ones the incremental run sweeps: only a walk of Unpaid below the sweep's floor finds it.
 */

const OPEN = new Set(['Unpaid', 'Payment Pending', 'Collections', 'Draft']);

describe('the incremental sync and invoices reopened below its sweep', () => {
  it('a Paid and a Cancelled invoice among the oldest, back to Unpaid: the next incremental run has them', async () => {
    const eu = await simSource('eu', { invoices: 3_000, seed: 71, clients: 40 });
    const sim = eu.served.sim;
    // Open invoices only among the newest (as after WHMCS's automation cancelled the old ones):
    // the sweep's floor sits far above the oldest ids, and no open invoice is stored below it.
    const all = [...sim.visibleInvoices()];
    for (const invoice of all.slice(0, -150)) if (OPEN.has(invoice.status)) sim.cancelInvoice(invoice.id);
    const bridge = await bridgeFor([eu], { extra: {} });
    expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
    await expectStoreEqualsSim(bridge.store, eu);

    const paid = all.slice(0, 500).find((i) => sim.invoice(i.id)?.status === 'Paid')!;
    const cancelled = all.slice(0, 500).find((i) => sim.invoice(i.id)?.status === 'Cancelled')!;
    sim.updateInvoice(paid.id, { status: 'Unpaid', datepaid: '0000-00-00 00:00:00' });
    sim.updateInvoice(cancelled.id, { status: 'Unpaid', date_cancelled: '0000-00-00 00:00:00' });
    sim.addInvoice();
    sim.clearRequests();
    const run = await bridge.engine.run('eu', 'incremental');
    expect(run.result, JSON.stringify(run.error)).toBe('ok');
    await expectStoreEqualsSim(bridge.store, eu);
    // The sweep stayed above them: they came from the walk of Unpaid below it.
    const sweep = sim.requests.filter((r) => r.action === 'getinvoices' && !r.params.status);
    const unpaidWalk = sim.requests.filter((r) => r.params.status === 'Unpaid');
    expect(sweep.length).toBeGreaterThan(0);
    expect(unpaidWalk.length).toBeGreaterThan(0);
    expect(sweep.reduce((rows, r) => rows + (r.rows ?? 0), 0)).toBeLessThan(1_000);
  });
});
