import { describe, expect, it } from 'vitest';
import { bridgeFor, expectStoreEqualsSim, simSource } from './harness.ts';

/*
 * A run records its WHMCS calls by phase (issue 17 item 2: "show the calls by phase"), so that
 * where an incremental run's calls go can be read from its own record, not only from a bench.
 */

const OPEN = new Set(['Unpaid', 'Payment Pending', 'Collections', 'Draft']);
const sum = (by: Record<string, number>) => Object.values(by).reduce((a, b) => a + b, 0);

describe('calls by phase in the run record', () => {
  it('a full sync counts every call under its walk; an incremental run under the phase that made it', async () => {
    const eu = await simSource('eu', { invoices: 4_000, seed: 205, clients: 160 });
    const bridge = await bridgeFor([eu]);
    const sim = eu.served.sim;
    const full = await bridge.engine.run('eu', 'full');
    expect(full.result).toBe('ok');
    expect(full.callsByPhase).toEqual({ walk: full.calls });

    // Old open invoices (spread over every id as seeded) paid, cancelled and deleted.
    const open = [...sim.visibleInvoices()].filter((i) => OPEN.has(i.status));
    open.forEach((invoice, k) => {
      if (k % 25 === 0) sim.payInvoice(invoice.id);
      else if (k % 25 === 1) sim.cancelInvoice(invoice.id);
      else if (k % 25 === 2 && invoice.status === 'Draft') sim.deleteInvoice(invoice.id);
    });
    sim.addInvoice({});
    sim.clearRequests();
    const run = await bridge.engine.run('eu', 'incremental');
    expect(run.result).toBe('ok');
    const by = run.callsByPhase!;
    expect(sum(by)).toBe(run.calls);
    const asked = sim.requests.filter((r) => r.action === 'getinvoices');
    expect(asked).toHaveLength(run.calls);
    const perStatus = Object.entries(by).filter(([phase]) => phase.startsWith('open:'));
    expect(sum(Object.fromEntries(perStatus))).toBe(asked.filter((r) => r.params.status).length);
    expect(by['vanished:client'] ?? 0).toBe(asked.filter((r) => r.params.userid).length);
    expect((by.new ?? 0) + (by.vanished ?? 0)).toBe(
      asked.filter((r) => !r.params.status && !r.params.userid).length,
    );
    expect(by.new).toBeGreaterThan(0);
    expect((await bridge.store.getSource('eu'))?.lastIncremental?.callsByPhase).toEqual(by);
    await expectStoreEqualsSim(bridge.store, eu);
  });
});
