import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  IDLE_ROWS_PER_SLICE,
  idleAfter,
  loopBudget,
  ROWS_PER_SLICE,
  requestTurn,
  yieldToEventLoop,
} from '../bounded-work.ts';
import { makeInvoices, seededRandom } from './invoice-fixtures.ts';
import { STORE_KINDS, type StorePlace, storePlace } from './testing/stores.ts';
import type { Store, SyncCheckpoint } from './types.ts';

/*
 * Issue 17 item 6: a reader never waits behind a sync. A page write, the tombstones of a full run
 * and a removal let the event loop turn before they finish (the API answers meanwhile), and what
 * a reader sees in between is whole transactions in seq order, the checkpoint last. The budget
 * is 0 here (a turn after every slice), so that no figure depends on this machine's speed.
 */

const budget = loopBudget.ms;
const IDLE_AFTER_MS = idleAfter.ms;
beforeAll(() => {
  loopBudget.ms = 0;
});
afterAll(() => {
  loopBudget.ms = budget;
});

const CHECKPOINT: SyncCheckpoint = {
  runId: 'run-1',
  mode: 'full',
  startedAt: '2026-12-03T00:00:00.000Z',
  phase: 'walk',
  pagesDone: 1,
  rowsDone: 1000,
};

/** Whether a callback queued before `write` started ran before `write` finished. */
async function turnsDuring(write: () => Promise<unknown>): Promise<boolean> {
  let turned = false;
  setImmediate(() => {
    turned = true;
  });
  await write();
  return turned;
}

describe.each(STORE_KINDS)('writes on the %s store let the event loop turn', (kind) => {
  let place: StorePlace;
  let store: Store;
  afterEach(async () => {
    await store.close();
    await place.dispose();
  });

  async function opened() {
    place = await storePlace(kind);
    store = await place.open();
    await store.upsertSource({ id: 'eu', name: 'eu' });
  }

  // A page the size of an idle slice is one transaction by design: two slices' worth turns.
  it('while a page of two idle slices, the tombstones and a removal of as many are written', async () => {
    await opened();
    const n = 2 * IDLE_ROWS_PER_SLICE;
    const rows = makeInvoices(seededRandom(3), 'eu', 1, n);
    expect(await turnsDuring(() => store.applyPage('eu', rows, CHECKPOINT, 'run-1'))).toBe(true);
    expect(await store.countFromId('eu', 0)).toBe(n);
    expect((await store.getSource('eu'))?.checkpoint).toEqual(CHECKPOINT);
    expect(await turnsDuring(() => store.finishFullRun('eu', 'run-2'))).toBe(true);
    expect(await store.countFromId('eu', 0)).toBe(0);
    await store.applyPage('eu', rows, null);
    expect(
      await turnsDuring(() =>
        store.removeInvoices(
          'eu',
          rows.map((r) => r.invoice.id),
        ),
      ),
    ).toBe(true);
    expect(await store.countFromId('eu', 0)).toBe(0);
    // Every change has its own seq, in order: n inserts, n tombstones, n back, n gone.
    const seqs = (await store.changes(0, 5 * n)).map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(await store.currentSeq()).toBe(4 * n);
  });
});

describe('a reader between the slices of a SQLite page write', () => {
  let place: StorePlace;
  let store: Store;
  afterEach(async () => {
    await store.close();
    await place.dispose();
  });

  /** What a reader saw between the slices of a page, reading through the API's turns or not. */
  async function readDuringPage(throughApi: boolean, rows = 1000) {
    place = await storePlace('sqlite');
    store = await place.open();
    await store.upsertSource({ id: 'eu', name: 'eu' });
    const seen: Array<{ count: number; checkpoint: unknown; seq: number }> = [];
    let writing = true;
    const watch = async () => {
      while (writing) {
        // A request takes its turn first, as the server's fetch does: the API is in use.
        if (throughApi) await requestTurn();
        seen.push({
          count: await store.countFromId('eu', 0),
          checkpoint: (await store.getSource('eu'))?.checkpoint ?? null,
          seq: await store.currentSeq(),
        });
        await yieldToEventLoop();
      }
    };
    const watching = watch();
    await store.applyPage('eu', makeInvoices(seededRandom(5), 'eu', 1, rows), CHECKPOINT, 'run-1');
    writing = false;
    await watching;
    return seen.filter((s) => s.count > 0 && s.count < rows);
  }

  it('sees whole transactions of ROWS_PER_SLICE rows while requests come, and the checkpoint only with the last', async () => {
    const between = await readDuringPage(true);
    expect(between.length).toBeGreaterThanOrEqual(1000 / ROWS_PER_SLICE - 2);
    for (const s of between) {
      expect(s.count % ROWS_PER_SLICE).toBe(0);
      expect(s.seq).toBe(s.count);
      expect(s.checkpoint).toBeNull();
    }
  });

  it('sees transactions of IDLE_ROWS_PER_SLICE rows when no request came for a while', async () => {
    idleAfter.ms = 0;
    try {
      const between = await readDuringPage(false, 4 * IDLE_ROWS_PER_SLICE);
      expect(between.length).toBeGreaterThan(0);
      for (const s of between) {
        expect(s.count % IDLE_ROWS_PER_SLICE).toBe(0);
        expect(s.checkpoint).toBeNull();
      }
    } finally {
      idleAfter.ms = IDLE_AFTER_MS;
    }
  });
});
