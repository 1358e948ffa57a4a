import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from './errors.ts';
import { makeInvoices, seededRandom } from './invoice-fixtures.ts';
import { leaseHolder } from './lease.ts';
import { STORE_KINDS, type StorePlace, storePlace } from './testing/stores.ts';
import type { Store } from './types.ts';

describe.each(STORE_KINDS)('on the %s store', (kind) => {
  let place: StorePlace;
  let now: number;
  let a: Store;
  let b: Store;

  beforeEach(async () => {
    place = await storePlace(kind);
    now = Date.UTC(2026, 0, 1);
    const clock = () => new Date(now);
    // Two connections to one file: what two processes see.
    a = await place.open(clock);
    b = await place.open(clock);
    await a.upsertSource({ id: 'eu', name: 'eu' });
  });

  afterEach(async () => {
    await a.close();
    await b.close();
    await place.dispose();
  });

  /** A pid that certainly exited. */
  function deadPid(): number {
    return spawnSync(process.execPath, ['-e', '0']).pid!;
  }

  describe('the sync lease', () => {
    it('lets one holder at a time take a source, and says who holds it', async () => {
      const first = await a.acquireLease('eu', leaseHolder('one', 'serve'), 30_000);
      expect(first).toMatchObject({
        acquired: true,
        lease: { owner: 'one', pid: process.pid, purpose: 'serve' },
      });
      const second = await b.acquireLease('eu', leaseHolder('two', 'sync'), 30_000);
      expect(second).toMatchObject({ acquired: false, heldBy: { owner: 'one', purpose: 'serve' } });
      await a.releaseLease('eu', 'one');
      expect(await b.acquireLease('eu', leaseHolder('two', 'sync'), 30_000)).toMatchObject({
        acquired: true,
      });
      expect(await b.getLease('eu')).toMatchObject({ owner: 'two' });
    });

    it('is taken over once it expires without a heartbeat, and not before', async () => {
      await a.acquireLease('eu', leaseHolder('one', 'serve'), 30_000);
      now += 20_000;
      expect(await a.renewLease('eu', 'one', 30_000)).toBe(true);
      now += 29_000;
      expect((await b.acquireLease('eu', leaseHolder('two', 'sync'), 30_000)).acquired).toBe(false);
      now += 2_000;
      expect((await b.acquireLease('eu', leaseHolder('two', 'sync'), 30_000)).acquired).toBe(true);
      // The old holder learns it lost the lease, at its next heartbeat or write.
      expect(await a.renewLease('eu', 'one', 30_000)).toBe(false);
    });

    it('is taken over at once when its holder process on this host is gone', async () => {
      await a.acquireLease(
        'eu',
        { owner: 'crashed', pid: deadPid(), host: leaseHolder('x', 'y').host, purpose: 'sync' },
        30_000,
      );
      expect(await b.acquireLease('eu', leaseHolder('two', 'sync'), 30_000)).toMatchObject({
        acquired: true,
      });
    });

    it('is not taken over when the holder is on another host and its lease is live', async () => {
      await a.acquireLease(
        'eu',
        { owner: 'remote', pid: deadPid(), host: 'elsewhere', purpose: 'serve' },
        30_000,
      );
      expect(await b.acquireLease('eu', leaseHolder('two', 'sync'), 30_000)).toMatchObject({
        acquired: false,
        heldBy: { host: 'elsewhere' },
      });
    });

    it('fences writes: a run that lost its lease cannot write a page or tombstone', async () => {
      const rows = makeInvoices(seededRandom(4), 'eu', 1, 3);
      await a.acquireLease('eu', leaseHolder('one', 'sync'), 30_000);
      await a.applyPage('eu', rows, null, 'run-1', { fence: 'one' });
      now += 31_000;
      await b.acquireLease('eu', leaseHolder('two', 'sync'), 30_000);
      const write = a.applyPage('eu', rows, null, 'run-1', { fence: 'one' });
      await expect(write).rejects.toThrow(StoreError);
      await expect(write).rejects.toMatchObject({ code: 'lease_lost' });
      await expect(a.finishFullRun('eu', 'run-1', { fence: 'one' })).rejects.toMatchObject({
        code: 'lease_lost',
      });
      await expect(a.removeInvoices('eu', [1], { fence: 'one' })).rejects.toMatchObject({
        code: 'lease_lost',
      });
      expect((await b.listInvoices({}, undefined, 10)).length).toBe(3);
    });
  });
});
