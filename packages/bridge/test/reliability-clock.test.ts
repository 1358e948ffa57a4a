import { describe, expect, it } from 'vitest';
import { sourceResponseSchema } from '../src/api/index.ts';
import type { Bridge } from '../src/bridge.ts';
import type { SyncRunResult } from '../src/store/types.ts';
import { expectStoreEqualsSim, simSource } from './harness.ts';
import { AUTH, openBridge, reliabilityConfig, sleep } from './reliability-support.ts';

/*
 * The scheduler against a clock that jumps (NTP steps, a VM resumed, a wrong RTC fixed) and
 * against a WHMCS that keeps failing: it must neither stall (a sync that is due runs within a
 * tick or two) nor storm (nothing runs that is not due, and a failing walk waits its turn).
 * The scheduler ticks every second of real time and asks the injected clock what time it is.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function until(what: string, predicate: () => boolean, timeoutMs = 6_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function record(bridge: Bridge): SyncRunResult[] {
  const runs: SyncRunResult[] = [];
  bridge.engine.on('finished', (run: SyncRunResult) => runs.push(run));
  return runs;
}

async function sourceView(bridge: Bridge) {
  const res = await bridge.app.request('/v1/sources/eu', { headers: AUTH });
  expect(res.status).toBe(200);
  // The API's own schema: durations are whole, non-negative milliseconds.
  return sourceResponseSchema.parse(await res.json()).data;
}

/** Two scheduler ticks and a bit: long enough for anything due to start. */
const QUIET_MS = 2_300;

describe('the scheduler and a clock that jumps', () => {
  it('runs what is due after a jump forward or backward, exactly once, and nothing in between', async () => {
    const eu = await simSource('eu', { seed: 61, invoices: 120 });
    let now = Date.parse('2025-03-01T12:00:00Z');
    const { file, env } = reliabilityConfig([eu], {
      pageSize: 50,
      timeoutMs: 1000,
      sync: { incrementalEvery: '10m', fullEvery: '6h' },
    });
    const bridge = await openBridge(file, env, { engine: { clock: () => new Date(now) } });
    const runs = record(bridge);
    await bridge.engine.start();

    await until('the first full sync', () => runs.length === 1);
    expect(runs[0]).toMatchObject({ mode: 'full', result: 'ok' });
    // The clock stands still: nothing is due, nothing runs.
    await sleep(QUIET_MS);
    expect(runs).toHaveLength(1);

    // Forward past incrementalEvery: one incremental, then quiet.
    now += 11 * MINUTE;
    await until('an incremental sync', () => runs.length === 2);
    expect(runs[1]?.mode).toBe('incremental');
    await sleep(QUIET_MS);
    expect(runs).toHaveLength(2);

    // Forward past fullEvery: one full sync, then quiet.
    now += 7 * HOUR;
    await until('a full sync', () => runs.length === 3);
    expect(runs[2]?.mode).toBe('full');
    await sleep(QUIET_MS);
    expect(runs).toHaveLength(3);

    // Backward three days: the last runs now look like they finished in the future. That must not
    // postpone the schedule by three days (a stall): one full sync runs, then the schedule
    // carries on from the new time.
    now -= 72 * HOUR;
    await until('a sync after the backward jump', () => runs.length === 4);
    expect(runs[3]?.mode).toBe('full');
    await sleep(QUIET_MS);
    expect(runs).toHaveLength(4);
    now += 11 * MINUTE;
    await until('the next incremental sync', () => runs.length === 5);
    expect(runs[4]?.mode).toBe('incremental');

    expect(runs.every((r) => r.result === 'ok')).toBe(true);
    await expectStoreEqualsSim(bridge.store, eu);
    const view = await sourceView(bridge);
    expect(view.state).toBe('ok');
  });

  it('a clock that jumps during a sync leaves a sane run record (no negative or inflated duration)', async () => {
    const eu = await simSource('eu', { seed: 62, invoices: 200, latency: { perCallMs: 60 } });
    let now = Date.parse('2025-03-01T12:00:00Z');
    // Pages that stay at 25: a run of several calls, with the clock moved between them.
    const { file, env } = reliabilityConfig([eu], {
      pageSize: 25,
      concurrency: 1,
      timeoutMs: 2000,
      sync: { maxPageSize: 25 },
    });
    const bridge = await openBridge(file, env, { engine: { clock: () => new Date(now) } });

    const back = bridge.engine.run('eu', 'full');
    await until('the sync to be under way', () => eu.served.sim.requests.length >= 2);
    now -= 1 * HOUR;
    expect((await back).result).toBe('ok');
    let view = await sourceView(bridge);
    expect(view.lastFull?.durationMs).toBeGreaterThanOrEqual(0);
    expect(view.lastFull?.durationMs).toBeLessThan(60_000);

    const ahead = bridge.engine.run('eu', 'full');
    await until('the sync to be under way', () => eu.served.sim.requests.length >= 14);
    now += 5 * HOUR;
    expect((await ahead).result).toBe('ok');
    view = await sourceView(bridge);
    expect(view.lastFull?.durationMs).toBeGreaterThanOrEqual(0);
    expect(view.lastFull?.durationMs).toBeLessThan(60_000);
  });
});

describe('the scheduler and a WHMCS that keeps failing', () => {
  it('a full sync failing in the middle of its walk is retried after the retry delay, not every tick', async () => {
    const eu = await simSource('eu', { seed: 63, invoices: 300 });
    let now = Date.parse('2025-03-01T12:00:00Z');
    const { file, env } = reliabilityConfig([eu], {
      pageSize: 40,
      timeoutMs: 1000,
      sync: { incrementalEvery: '1m', fullEvery: '1d' },
    });
    const sim = eu.served.sim;
    // Every page past the first few from either end is a PHP 500 (not retried by the client):
    // the walk stops there with a checkpoint. (From both ends, no offset reaches 150 here.)
    sim.faults.add({
      kind: 'html500',
      match: (r) => r.action === 'getinvoices' && Number(r.params.limitstart ?? 0) >= 60,
    });
    const bridge = await openBridge(file, env, { engine: { clock: () => new Date(now) } });
    const runs = record(bridge);
    await bridge.engine.start();

    await until('the first run', () => runs.length === 1);
    expect(runs[0]).toMatchObject({ mode: 'full', result: 'failed', error: { code: 'http_error' } });
    expect((await bridge.store.getSource('eu'))?.checkpoint?.rowsDone).toBeGreaterThan(0);
    // (The look-ahead page that was in flight when the walk failed may still be arriving.)
    await sleep(300);
    const calls = sim.requests.length;
    await sleep(QUIET_MS + 1000);
    expect(runs, 'runs while the clock stood still').toHaveLength(1);
    expect(sim.requests.length).toBe(calls);
    expect((await sourceView(bridge)).state).toBe('failing');

    // WHMCS recovers; once the retry delay (incrementalEvery, at most 5 minutes) has passed the
    // walk resumes from its checkpoint and finishes.
    sim.faults.clear();
    now += 61_000;
    await until('the retry', () => runs.length === 2);
    expect(runs[1]).toMatchObject({ mode: 'full', result: 'ok', runId: runs[0]!.runId });
    await expectStoreEqualsSim(bridge.store, eu);
    expect((await sourceView(bridge)).state).toBe('ok');
  });
});
