import { describe, expect, it } from 'vitest';
import { type SimSource, TOKEN } from './harness.ts';
import { bundledCli, runCli, sleep, syncedSource } from './reliability-support.ts';

/*
 * Issue 10, item 1: two processes syncing one source at once each marked the rows they read
 * with their own run id, then tombstoned the rows the other had marked: nearly the whole store
 * deleted, and both exited 0. Only one process may sync a source at a time.
 */

const INVOICES = 3_000;
const bundle = bundledCli();

/** A synced store of INVOICES invoices, and a WHMCS that now answers in 300 to 600 ms. */
async function syncedSlowSource() {
  const synced = await syncedSource({ invoices: INVOICES, seed: 7, source: { concurrency: 2 } });
  let call = 0;
  for (const delayMs of [300, 450, 600]) {
    const turn = call++;
    synced.eu.served.sim.faults.add({ kind: 'slow', delayMs, match: (r) => r.index % 3 === turn });
  }
  return synced;
}

/** Waits until WHMCS received a request after `since` (the syncing process holds the lease by then). */
async function untilCalled(eu: SimSource, since: number) {
  const until = Date.now() + 60_000;
  while (eu.served.sim.requests.length <= since) {
    if (Date.now() > until) throw new Error('WHMCS was never called');
    await sleep(20);
  }
}

describe('one process syncs a source at a time', () => {
  it('`bridge sync --full & sleep 0.3; bridge sync --full`: the second exits 75 naming the first; nothing is deleted', async () => {
    const { eu, env, configPath, live } = await syncedSlowSource();
    expect(live()).toBe(INVOICES);
    const before = eu.served.sim.requests.length;
    const a = runCli(bundle(), ['--config', configPath, 'sync', '--full'], env);
    // `sleep 0.3` in the report; on a loaded machine node may need longer just to start.
    await untilCalled(eu, before);
    await sleep(300);
    const b = runCli(bundle(), ['--config', configPath, 'sync', '--full'], env);
    const codeB = await b.exit;
    expect(codeB, b.err()).toBe(75);
    expect(b.err()).toContain(`source "eu" is being synced by another bridge process (pid ${a.child.pid} on`);
    expect(await a.exit, a.err()).toBe(0);
    expect(live()).toBe(INVOICES);
    // The second process never wrote: no tombstone, no run of its own on record.
    expect(a.out()).toMatch(/eu\s+full\s+ok/);
  }, 120_000);

  it('a running `serve` and `bridge sync`: whichever comes second skips, and /v1/sources says why', async () => {
    const { eu, env, configPath, live } = await syncedSlowSource();
    const serve = runCli(bundle(), ['--config', configPath, 'serve'], env);
    const [, url] = await serve.waitFor(/bridge listening on (http:\/\/[\d.:]+)/);
    const auth = { Authorization: `Bearer ${TOKEN}` };

    // serve first: the CLI's sync exits 75 while serve's manual full sync runs.
    const beforePost = eu.served.sim.requests.length;
    const post = await fetch(`${url}/v1/sources/eu/sync`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ mode: 'full' }),
    });
    expect(post.status).toBe(202);
    await untilCalled(eu, beforePost);
    const cli = runCli(bundle(), ['--config', configPath, 'sync', '--full'], env);
    expect(await cli.exit, cli.err()).toBe(75);
    expect(cli.err()).toContain(`(pid ${serve.child.pid} on`);
    expect(cli.err()).toContain('(serve)');
    await serve.waitFor(/full sync done/, 60_000);

    // The CLI first: serve's run is skipped, and /v1/sources/eu names the process that syncs.
    const beforeCli = eu.served.sim.requests.length;
    const cli2 = runCli(bundle(), ['--config', configPath, 'sync', '--full'], env);
    await untilCalled(eu, beforeCli);
    const post2 = await fetch(`${url}/v1/sources/eu/sync`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ mode: 'full' }),
    });
    expect(post2.status).toBe(202);
    await sleep(200);
    const view = (await (await fetch(`${url}/v1/sources/eu`, { headers: auth })).json()) as {
      data: { state: string; syncedElsewhere?: { pid: number; purpose: string; note: string } };
    };
    expect(view.data.state).toBe('syncing');
    expect(view.data.syncedElsewhere).toMatchObject({ pid: cli2.child.pid, purpose: 'sync' });
    expect(await cli2.exit, cli2.err()).toBe(0);
    expect(live()).toBe(INVOICES);
    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
    expect(serve.out()).toMatch(/being synced by another bridge process/);
  }, 180_000);

  it('a second `serve` on the same data directory refuses to start, naming the first, and touches nothing', async () => {
    const { env, configPath, live } = await syncedSlowSource();
    const first = runCli(bundle(), ['--config', configPath, 'serve'], env);
    const [, url] = await first.waitFor(/bridge listening on (http:\/\/[\d.:]+)/);
    const second = runCli(bundle(), ['--config', configPath, 'serve'], env);
    expect(await second.exit).toBe(75);
    expect(second.err()).toContain(`in use by another bridge (pid ${first.child.pid} on`);
    expect(second.err()).toContain(`serving on ${url}`);
    expect(live()).toBe(INVOICES);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
  }, 120_000);
});
