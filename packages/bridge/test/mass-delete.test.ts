import { describe, expect, it } from 'vitest';
import { bundledCli, runCli, sourceView, syncedSource } from './reliability-support.ts';

/*
 * Issue 10, item 2 (engine side): never delete more than a configurable share of the store in
 * one run (default 10%) without an explicit --allow-mass-delete or a config flag; above it the
 * run fails, nothing is removed, and /v1/sources shows why.
 */

const bundle = bundledCli();

describe('a run never deletes more than maxDeleteShare of the store on its own', () => {
  it('15% gone in WHMCS: the full sync fails with mass_delete, deletes nothing, says why; --allow-mass-delete then deletes them', async () => {
    const {
      eu,
      env,
      bridge,
      configPath,
      live: liveNow,
    } = await syncedSource({
      invoices: 1_000,
      seed: 3,
      open: true,
    });
    const ids = [...eu.served.sim.visibleInvoices()].map((i) => i.id);
    const live = ids.length;
    const doomed = ids.filter((_, i) => i % 7 === 0); // about 14%
    for (const id of doomed) eu.served.sim.deleteInvoice(id);

    const refused = await bridge.engine.run('eu', 'full');
    expect(refused.result).toBe('failed');
    expect(refused.removed).toBe(0);
    expect(refused.error?.code).toBe('mass_delete');
    expect(refused.error?.message).toContain(`would delete ${doomed.length} of ${live} stored invoices`);
    const view = await sourceView<{ state: string; lastError: { code: string; message: string } }>(
      bridge.app,
      'eu',
    );
    expect(view.state).toBe('failing');
    expect(view.lastError).toMatchObject({ code: 'mass_delete' });
    expect(view.lastError.message).toContain('--allow-mass-delete');
    expect(liveNow()).toBe(live);
    await bridge.close();

    // A person who knows WHMCS really lost them says so once, on the command line.
    const plain = runCli(bundle(), ['--config', configPath, 'sync', '--full'], env);
    expect(await plain.exit, plain.out()).toBe(1);
    expect(liveNow()).toBe(live);
    const allowed = runCli(bundle(), ['--config', configPath, 'sync', '--full', '--allow-mass-delete'], env);
    expect(await allowed.exit, allowed.out() + allowed.err()).toBe(0);
    expect(liveNow()).toBe(live - doomed.length);
  }, 120_000);

  it('a share within the budget is deleted as before; sync.maxDeleteShare raises it', async () => {
    const { eu, bridge } = await syncedSource({
      invoices: 400,
      seed: 4,
      source: { sync: { maxDeleteShare: 0.5 } },
      open: true,
    });
    const ids = [...eu.served.sim.visibleInvoices()].map((i) => i.id);
    for (const id of ids.slice(0, Math.floor(ids.length * 0.4))) eu.served.sim.deleteInvoice(id);
    const run = await bridge.engine.run('eu', 'full');
    expect(run.result).toBe('ok');
    expect(run.removed).toBe(Math.floor(ids.length * 0.4));
  }, 60_000);
});
