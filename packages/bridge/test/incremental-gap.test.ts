import { describe, expect, it } from 'vitest';
import { bundledCli, queryStore, runCli, syncedSource } from './reliability-support.ts';

/*
 * Issue 10, item 4: the new-invoice walk runs newest first and commits each page; the next
 * run's high-water mark was the store's max(id), so it started above the gap an interrupted
 * run left, and the missing invoices stayed missing until the next full sync (24 h).
 */

const SYNCED = 10_000;
const bundle = bundledCli();

async function syncedWithNewInvoices() {
  const { eu, env, configPath, storePath } = await syncedSource({
    invoices: SYNCED,
    seed: 11,
    // Pages at most 400 (the full sync grows them there, and the incremental starts there): the
    // 710 new invoices take two pages, so an interruption after the first leaves a gap.
    source: { concurrency: 2, sync: { maxPageSize: 400 } },
  });
  // The full sync walked down from the newest id too: only the incremental's requests count below.
  eu.served.sim.clearRequests();
  const added: number[] = [];
  for (let i = 0; i < 700; i++) added.push(eu.served.sim.addInvoice({ status: 'Paid' }).id);
  for (let i = 0; i < 10; i++) added.push(eu.served.sim.addInvoice({ status: 'Unpaid' }).id);
  const missing = () => {
    const stored = new Set(
      queryStore<{ id: number }>(storePath, 'SELECT id FROM invoices WHERE deleted_at IS NULL').map(
        (r) => r.id,
      ),
    );
    return added.filter((id) => !stored.has(id));
  };
  return { eu, env, configPath, missing };
}

/** Requests of the newest-first walk for new invoices (no status filter, id descending). */
const newWalk = (r: { action: string | null; params: Record<string, string> }) =>
  r.action?.toLowerCase() === 'getinvoices' && r.params.order === 'desc' && !r.params.status;

async function incremental(env: NodeJS.ProcessEnv, configPath: string) {
  const run = runCli(bundle(), ['--config', configPath, 'sync'], env);
  return { run, code: await run.exit };
}

describe('an interrupted incremental sync loses no new invoice', () => {
  it('one WHMCS 500 on the second page of the new-invoice walk: the next incremental run fills the gap', async () => {
    const { eu, env, configPath, missing } = await syncedWithNewInvoices();
    // Twice: a 500 on a page grown past the configured size is asked again at half the size
    // (page-sizer.ts); the second 500 fails the run.
    eu.served.sim.faults.add({
      kind: 'html500',
      times: 2,
      match: (r) => newWalk(r) && Number(r.params.limitstart) > 0,
    });
    const first = await incremental(env, configPath);
    expect(first.code, first.run.out()).toBe(1);
    expect(missing().length).toBeGreaterThan(0); // the first page and the open walks committed
    const second = await incremental(env, configPath);
    expect(second.code, second.run.out()).toBe(0);
    expect(missing()).toEqual([]);
  }, 180_000);

  it('SIGKILL after the first page of the new-invoice walk commits: the next run fills the gap', async () => {
    const { eu, env, configPath, missing } = await syncedWithNewInvoices();
    // Hold the second page of the walk long enough to kill the process after the first committed.
    eu.served.sim.faults.add({
      kind: 'slow',
      delayMs: 5_000,
      times: 1,
      match: (r) => newWalk(r) && Number(r.params.limitstart) > 0,
    });
    const run = runCli(bundle(), ['--config', configPath, 'sync'], env);
    const until = Date.now() + 60_000;
    while (!eu.served.sim.requests.some((r) => newWalk(r) && Number(r.params.limitstart) > 0)) {
      if (Date.now() > until) throw new Error('the walk never reached its second page');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGKILL');
    await run.exit;
    const gap = missing().length;
    expect(gap).toBeGreaterThan(0);
    expect(gap).toBeLessThan(710);
    eu.served.sim.faults.clear();
    const second = await incremental(env, configPath);
    expect(second.code, second.run.out()).toBe(0);
    expect(missing()).toEqual([]);
  }, 180_000);
});
