import { diagnosticFor } from '@forecaster/module-assets';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncRunResult } from '../store/types.ts';
import { coverageNote, formatInterval } from './source-view.ts';
import {
  createHarness,
  errorOf,
  type Harness,
  sourceConfig,
  testConfig,
  wireInvoice,
} from './testing/harness.ts';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const fullRun: SyncRunResult = {
  mode: 'full',
  runId: 'run-full-1',
  startedAt: '2024-06-15T02:00:00.000Z',
  finishedAt: '2024-06-15T02:03:20.000Z',
  durationMs: 200_000,
  result: 'ok',
  calls: 12,
  rowsRead: 2900,
  inserted: 2900,
  updated: 0,
  unchanged: 0,
  removed: 3,
};
const incrementalRun: SyncRunResult = {
  mode: 'incremental',
  runId: 'run-inc-7',
  startedAt: '2024-06-15T11:55:00.000Z',
  finishedAt: '2024-06-15T11:55:02.500Z',
  durationMs: 2500,
  result: 'failed',
  calls: 1,
  rowsRead: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  removed: 0,
  error: { code: 'ip_not_allowed', message: 'Invalid IP 203.0.113.9', at: '2024-06-15T11:55:02.500Z' },
};

describe('GET /v1/sources', () => {
  beforeEach(async () => {
    h = await createHarness();
    await h.put('eu', [
      wireInvoice('eu', 1),
      wireInvoice('eu', 2, { status: 'Paid', datepaid: '2024-03-02 10:00:00' }),
      wireInvoice('eu', 3, { status: 'Paid', datepaid: '2024-03-02 10:00:00' }),
      wireInvoice('eu', 4, { status: 'Payment Pending' }),
    ]);
    await h.store.removeInvoices('eu', [3]);
    await h.store.recordRun('eu', fullRun);
    await h.store.recordRun('eu', incrementalRun);
    await h.store.setFailing('eu', incrementalRun.error!);
    h.sync.states.set('eu', 'failing');
  });

  it('lists every configured source with state, runs, counts, error help and coverage', async () => {
    const res = await h.get('/v1/sources');
    expect(res.status).toBe(200);
    const { data } = await res.json();
    expect(data.map((s: { id: string }) => s.id)).toEqual(['eu', 'us']);
    const [eu, us] = data;
    const diagnostic = diagnosticFor('ip_not_allowed');
    expect(eu).toEqual({
      id: 'eu',
      name: 'WHMCS EU',
      state: 'failing',
      lastFull: {
        runId: 'run-full-1',
        mode: 'full',
        startedAt: '2024-06-15T02:00:00.000Z',
        finishedAt: '2024-06-15T02:03:20.000Z',
        durationMs: 200_000,
        result: 'ok',
        counts: { calls: 12, rowsRead: 2900, inserted: 2900, updated: 0, unchanged: 0, removed: 3 },
        errorCode: null,
      },
      lastIncremental: expect.objectContaining({
        runId: 'run-inc-7',
        result: 'failed',
        errorCode: 'ip_not_allowed',
      }),
      invoiceCounts: {
        draft: 0,
        unpaid: 1,
        paid: 1,
        cancelled: 0,
        refunded: 0,
        collections: 0,
        payment_pending: 1,
      },
      lastError: {
        code: 'ip_not_allowed',
        message: 'Invalid IP 203.0.113.9',
        at: '2024-06-15T11:55:02.500Z',
        title: diagnostic.title,
        hint: diagnostic.fix[0],
        fix: diagnostic.fix,
        docsUrl: 'https://docs.example.test/troubleshooting#ip_not_allowed',
      },
      coverage: {
        note:
          'Incremental syncs pick up new invoices and every change to Draft, Unpaid, Payment Pending and ' +
          'Collections invoices; changes to Paid, Cancelled and Refunded invoices and deletions of them are ' +
          'picked up by the next full sync (every 24 hours).',
        incrementalEveryMs: 300_000,
        fullEveryMs: 86_400_000,
      },
    });
    expect(eu).not.toHaveProperty('progress');
    expect(us).toMatchObject({
      id: 'us',
      state: 'never_synced',
      lastFull: null,
      lastIncremental: null,
      lastError: null,
      invoiceCounts: { unpaid: 0, paid: 0 },
    });
    expect(us.coverage).not.toHaveProperty('nextFullSyncAt');
  });

  it('shows a running sync with its progress and percent', async () => {
    h.sync.running.set('us', {
      sourceId: 'us',
      runId: 'run-9',
      mode: 'full',
      phase: 'walk',
      startedAt: '2024-06-15T11:59:00.000Z',
      pagesDone: 3,
      rowsDone: 750,
      rowsExpected: 3000,
      resumed: true,
    });
    const { data } = await (await h.get('/v1/sources/us')).json();
    expect(data.state).toBe('syncing');
    expect(data.progress).toEqual({
      runId: 'run-9',
      mode: 'full',
      phase: 'walk',
      startedAt: '2024-06-15T11:59:00.000Z',
      pagesDone: 3,
      rowsDone: 750,
      rowsExpected: 3000,
      percent: 25,
      resumed: true,
    });
  });

  it('GET /v1/sources/{id} answers one source; 404 for an unknown one; 400 for a malformed id', async () => {
    const res = await h.get('/v1/sources/eu');
    expect(res.status).toBe(200);
    const one = await res.json();
    const all = await (await h.get('/v1/sources')).json();
    expect(one.data).toEqual(all.data[0]);

    const missing = await h.get('/v1/sources/asia');
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toMatchObject({
      code: 'not_found',
      message: 'no source "asia" is configured',
    });

    const bad = await h.get('/v1/sources/Not%20An%20Id');
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/^id: /);
  });

  it('a stored source that is no longer configured is not listed', async () => {
    await h.store.upsertSource({ id: 'old', name: 'Retired' });
    const { data } = await (await h.get('/v1/sources')).json();
    expect(data.map((s: { id: string }) => s.id)).toEqual(['eu', 'us']);
  });
});

describe('source view details', () => {
  it('an unknown error code gets the generic help and link; a stored hint wins', async () => {
    h = await createHarness();
    await h.store.setFailing('us', {
      code: 'brand_new_code',
      message: 'odd',
      at: '2024-06-15T10:00:00.000Z',
    });
    let { data } = await (await h.get('/v1/sources/us')).json();
    expect(data.lastError.docsUrl).toBe('https://docs.example.test/troubleshooting#unknown');
    expect(data.lastError.code).toBe('brand_new_code');

    await h.store.setFailing('us', {
      code: 'ip_banned',
      message: 'banned',
      hint: 'Wait 15 minutes.',
      at: '2024-06-15T10:00:00.000Z',
    });
    ({ data } = await (await h.get('/v1/sources/us')).json());
    expect(data.lastError).toMatchObject({
      hint: 'Wait 15 minutes.',
      docsUrl: expect.stringMatching(/#ip_banned$/),
    });
  });

  it('the next full sync is known after a successful full run, and not while the source is failing', async () => {
    h = await createHarness();
    await h.store.recordRun('us', fullRun);
    const next = async () => (await (await h.get('/v1/sources/us')).json()).data.coverage.nextFullSyncAt;
    // Finished 02:03:20, every 24 hours.
    expect(await next()).toBe('2024-06-16T02:03:20.000Z');
    await h.store.setFailing('us', { code: 'ip_banned', message: 'banned', at: '2024-06-15T11:00:00.000Z' });
    expect(await next()).toBeUndefined();
    await h.store.setFailing('us', null);
    await h.store.recordRun('us', { ...fullRun, runId: 'run-full-2', result: 'failed' });
    expect(await next()).toBeUndefined();
  });

  it('an overdue full sync has no next time; other intervals read naturally', async () => {
    h = await createHarness({
      config: { sources: [sourceConfig('eu', { sync: { incrementalEvery: 60_000, fullEvery: 3_600_000 } })] },
    });
    await h.store.recordRun('eu', fullRun); // started 10 h before NOW, every hour: overdue
    const { data } = await (await h.get('/v1/sources/eu')).json();
    expect(data.coverage).toEqual({
      note: coverageNote(3_600_000),
      incrementalEveryMs: 60_000,
      fullEveryMs: 3_600_000,
    });
    expect(data.coverage.note).toContain('(every 1 hour)');
    expect(formatInterval(7 * 86_400_000)).toBe('7 days');
    expect(formatInterval(90_000)).toBe('90 seconds');
    expect(formatInterval(30 * 60_000)).toBe('30 minutes');
  });

  it('percent is capped at 100 when WHMCS over-promised, and absent when nothing is expected', async () => {
    h = await createHarness({ config: testConfig() });
    const base = {
      sourceId: 'eu',
      runId: 'r',
      mode: 'incremental' as const,
      phase: 'new',
      startedAt: '2024-06-15T11:59:00.000Z',
      pagesDone: 1,
      resumed: false,
    };
    h.sync.running.set('eu', { ...base, rowsDone: 120, rowsExpected: 100 });
    expect((await (await h.get('/v1/sources/eu')).json()).data.progress.percent).toBe(100);
    h.sync.running.set('eu', { ...base, rowsDone: 1, rowsExpected: 3 });
    expect((await (await h.get('/v1/sources/eu')).json()).data.progress.percent).toBe(33.3);
    h.sync.running.set('eu', { ...base, rowsDone: 10 });
    const progress = (await (await h.get('/v1/sources/eu')).json()).data.progress;
    expect(progress.rowsDone).toBe(10);
    expect(progress).not.toHaveProperty('percent');
    expect(progress).not.toHaveProperty('rowsExpected');
  });
});
