import { describe, expect, it } from 'vitest';
import { simSource } from './harness.ts';
import {
  bundledCli,
  listedInvoices,
  openBridge,
  reliabilityConfig,
  runCli,
  sourceView,
  syncedSource,
} from './reliability-support.ts';
import { rewritingProxy } from './rewriting-proxy.ts';

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

  it('WHMCS answered short, then whole again: the next full sync walks afresh and deletes nothing (it resumed the refused walk, refused again, and --allow-mass-delete deleted what WHMCS still had)', async () => {
    const eu = await simSource('eu', { invoices: 600, seed: 5, orphans: 0 });
    let short = false;
    // A WHMCS (a plugin, a cache) that answers every list as if only the unpaid invoices existed.
    const proxy = await rewritingProxy(eu.served.url, new Map(), undefined, (form) => {
      if (short && form.get('action') === 'GetInvoices') form.set('status', 'Unpaid');
    });
    const { file, env } = reliabilityConfig([eu], { pageSize: 100, url: proxy.url });
    const bridge = await openBridge(file, env);
    expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
    const before = (await listedInvoices(bridge.app)).length;

    short = true;
    const refused = await bridge.engine.run('eu', 'full');
    expect(refused.error?.code).toBe('mass_delete');

    short = false;
    const healed = await bridge.engine.run('eu', 'full');
    expect(healed.error, JSON.stringify(healed.error)).toBeUndefined();
    expect(healed.result).toBe('ok');
    expect(healed.removed).toBe(0);
    // Confirming a mass delete now deletes only what this walk did not see: nothing.
    const confirmed = await bridge.engine.run('eu', 'full', { allowMassDelete: true });
    expect(confirmed.removed).toBe(0);
    expect((await listedInvoices(bridge.app)).length).toBe(before);
  }, 120_000);
});
