import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFor, simSource, tempDir } from '../../test/harness.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createMetrics } from '../metrics.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { SyncEngine } from './engine.ts';

/*
 * Several bridges schedule one source: each reads the source's record, then takes the lease.
 * When another bridge finished the run between the two (and released the lease), the record
 * read first is stale: the run is asked again under the lease, or the full sync is done twice.
 */

describe('a scheduled run', () => {
  it('is not run again when another process ran it between the schedule and the lease', async () => {
    const eu = await simSource('eu', { invoices: 50, seed: 3 });
    const { file, env } = configFor([eu]);
    const config = loadConfig({ fallback: file, env });
    const store = openSqliteStore({ path: join(tempDir(), 'bridge.sqlite') });
    const logger = createLogger({ level: 'silent' });
    const other = new SyncEngine({ config, store, logger, metrics: createMetrics() });
    await other.start({ schedule: false });
    expect((await other.run('eu', 'full')).result).toBe('ok');
    const calls = eu.served.sim.requests.length;

    // This engine's scheduler reads the record as it was before the other's run finished.
    let reads = 0;
    const stale = new Proxy(store, {
      get(target, key) {
        if (key === 'getSource') {
          return async (id: string) => {
            const record = await target.getSource(id);
            // Read 1 registers the source; read 2 is the scheduler's.
            return ++reads === 2 && record ? { ...record, lastFull: undefined, checkpoint: null } : record;
          };
        }
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    const engine = new SyncEngine({ config, store: stale, logger, metrics: createMetrics() });
    try {
      await engine.start();
      for (let i = 0; i < 100 && reads < 3; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      expect(reads).toBeGreaterThanOrEqual(2);
      expect(eu.served.sim.requests.length).toBe(calls);
      expect((await store.getSource('eu'))?.lastFull?.runId).toBeDefined();
    } finally {
      await engine.stop();
      await store.close();
    }
  });
});
