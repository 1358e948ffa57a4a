import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/index.ts';
import { configFor, expectStoreEqualsSim, simSource } from './harness.ts';

const CLI = join(import.meta.dirname, '../src/cli/main.ts');

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; exit: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, ...env, BRIDGE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exit, output: () => output };
}

async function waitFor(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('crash and restart', () => {
  it('SIGKILL in the middle of a full sync, then a restart, ends with exactly the simulator’s data', async () => {
    const eu = await simSource('eu', { seed: 77, invoices: 4000, clients: 150, latency: { perCallMs: 15 } });
    const { file, env, dataDir } = configFor([eu]);
    // The default walk (both ends), its pages kept at 100: grown to 1000, eight pages from both
    // ends would cover the list, and no id would be ahead of the walk when it is killed.
    file.sources = file.sources!.map((source) => ({ ...source, sync: { maxPageSize: 100 } }));
    const configPath = join(dataDir, 'bridge.json');
    writeFileSync(configPath, JSON.stringify(file));
    const sim = eu.served.sim;

    const first = runCli(['--config', configPath, 'sync', '--full'], env);
    // Kill it hard once a handful of pages have been written, with edits under way.
    await waitFor(() => sim.requests.filter((r) => r.status === 200).length >= 8);
    const all = [...sim.visibleInvoices()];
    // Edits ahead of the walk are part of this run: the middle, where the two ends have not yet
    // been (the simulator answers in this process, so no page lands before the kill). One deleted
    // behind an end is the next full sync's to find, crash or not.
    sim.deleteInvoice(all[2000]!.id);
    sim.payInvoice(all.find((i, n) => n > 2000 && n < 2600 && i.status === 'Unpaid')!.id);
    sim.addInvoice();
    first.child.kill('SIGKILL');
    expect(await first.exit).toBeNull();

    const store = openSqliteStore({ path: join(dataDir, 'bridge.sqlite') });
    const checkpoint = (await store.getSource('eu'))?.checkpoint;
    expect(checkpoint?.mode).toBe('full');
    expect(checkpoint?.rowsDone).toBeGreaterThan(0);
    const seqBefore = await store.currentSeq();
    const changesBefore = await store.changes(0, 50);
    await store.close();

    const second = runCli(['--config', configPath, 'sync'], env);
    expect(await second.exit, second.output()).toBe(0);
    expect(second.output()).toMatch(/eu\s+full\s+ok/);

    const after = openSqliteStore({ path: join(dataDir, 'bridge.sqlite') });
    try {
      // The same run resumed: nothing that was written twice got a new seq.
      expect((await after.getSource('eu'))?.checkpoint).toBeUndefined();
      await expectStoreEqualsSim(after, eu);
      const resumed = await after.changes(0, 50);
      expect(resumed.slice(0, changesBefore.length).map((c) => c.seq)).toEqual(
        changesBefore.map((c) => c.seq),
      );
      expect(await after.currentSeq()).toBeGreaterThanOrEqual(seqBefore);
    } finally {
      await after.close();
    }
    const db = new Database(join(dataDir, 'bridge.sqlite'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('a bad configuration exits 2 naming the key, before touching WHMCS', async () => {
    const eu = await simSource('eu', { invoices: 10 });
    const { file, env, dataDir } = configFor([eu]);
    const configPath = join(dataDir, 'bridge.json');
    writeFileSync(configPath, JSON.stringify({ ...file, sources: [{ ...file.sources![0], pageSize: 0 }] }));
    const run = runCli(['--config', configPath, 'sync'], env);
    expect(await run.exit).toBe(2);
    expect(run.output()).toContain('sources[0].pageSize');
    expect(eu.served.sim.requests).toHaveLength(0);
  });
});
