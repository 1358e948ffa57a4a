import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, errorOf, type Harness } from './testing/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const post = (path: string, body?: unknown) =>
  h.get(path, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });

describe('POST /v1/sources/{id}/sync', () => {
  it('202 with the run id, mode, status URL and Location; incremental by default', async () => {
    const res = await post('/v1/sources/eu/sync');
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe('/v1/sources/eu/sync');
    expect(await res.json()).toEqual({
      runId: 'run-1',
      mode: 'incremental',
      statusUrl: '/v1/sources/eu/sync',
    });
    expect(h.sync.triggered).toEqual([{ sourceId: 'eu', mode: 'incremental' }]);
  });

  it('passes the requested mode', async () => {
    const full = await post('/v1/sources/us/sync', { mode: 'full' });
    expect(full.status).toBe(202);
    expect((await full.json()).mode).toBe('full');
    const inc = await post('/v1/sources/us/sync', {});
    expect((await inc.json()).mode).toBe('incremental');
    expect(h.sync.triggered).toEqual([
      { sourceId: 'us', mode: 'full' },
      { sourceId: 'us', mode: 'incremental' },
    ]);
  });

  it('409 sync_running with the running run id', async () => {
    h.sync.nextTrigger = { accepted: false, reason: 'running', runId: 'run-42' };
    const res = await post('/v1/sources/eu/sync', { mode: 'full' });
    expect(res.status).toBe(409);
    const error = await errorOf(res);
    expect(error.code).toBe('sync_running');
    expect(error.details).toEqual({ runId: 'run-42' });
    expect(error.message).toContain('run-42');
  });

  it("429 login_cooldown with Retry-After in seconds (rounded up) and the gate's message", async () => {
    h.sync.nextTrigger = {
      accepted: false,
      reason: 'login_cooldown',
      message: 'at most one failed login per source per 15 minutes',
      retryAfterMs: 90_200,
    };
    const res = await post('/v1/sources/eu/sync');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('91');
    const error = await errorOf(res);
    expect(error.code).toBe('login_cooldown');
    expect(error.message).toBe('at most one failed login per source per 15 minutes');
    expect(error.details).toEqual({ retryAfterSeconds: 91 });
  });

  it('409 credential_refused for a refused credential; {"force": true} reaches the engine', async () => {
    h.sync.nextTrigger = {
      accepted: false,
      reason: 'credential_refused',
      message: 'WHMCS refused this credential',
    };
    const res = await post('/v1/sources/eu/sync', { mode: 'full' });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('credential_refused');
    h.sync.nextTrigger = undefined;
    expect((await post('/v1/sources/eu/sync', { mode: 'full', force: true })).status).toBe(202);
    expect(h.sync.triggered.at(-1)).toEqual({ sourceId: 'eu', mode: 'full', force: true });
  });

  it('404 for a source that is not configured, without asking the engine', async () => {
    const res = await post('/v1/sources/asia/sync');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not_found');
    expect(h.sync.triggered).toEqual([]);
  });

  it('404 when the engine does not know the source either', async () => {
    h.sync.nextTrigger = { accepted: false, reason: 'unknown_source' };
    const res = await post('/v1/sources/eu/sync');
    expect(res.status).toBe(404);
  });

  it.each([
    [{ mode: 'fast' }, 'body.mode'],
    [{ mode: 'full', force: 'yes' }, 'body.force'],
    [{ mode: 'full', since: 1 }, 'body.since'],
    [[], 'body'],
    ['full', 'body'],
  ])('400 for a bad body %j naming %s', async (body, param) => {
    const res = await post('/v1/sources/eu/sync', body);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect((error.details as Array<{ param: string }>).map((d) => d.param)).toContain(param);
    expect(h.sync.triggered).toEqual([]);
  });
});

describe('GET /v1/sources/{id}/sync', () => {
  it('not running: running false, no progress, the last runs', async () => {
    await h.store.recordRun('eu', {
      mode: 'full',
      runId: 'run-full-1',
      startedAt: '2024-06-15T02:00:00.000Z',
      finishedAt: '2024-06-15T02:01:00.000Z',
      durationMs: 60_000,
      result: 'ok',
      calls: 4,
      rowsRead: 1000,
      inserted: 10,
      updated: 5,
      unchanged: 985,
      removed: 0,
    });
    h.sync.states.set('eu', 'ok');
    const res = await h.get('/v1/sources/eu/sync');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      running: false,
      state: 'ok',
      lastFull: expect.objectContaining({
        runId: 'run-full-1',
        counts: { calls: 4, rowsRead: 1000, inserted: 10, updated: 5, unchanged: 985, removed: 0 },
      }),
      lastIncremental: null,
    });
  });

  it('running: the progress with percent when the expected rows are known', async () => {
    h.sync.running.set('eu', {
      sourceId: 'eu',
      runId: 'run-5',
      mode: 'full',
      phase: 'walk',
      startedAt: '2024-06-15T11:58:00.000Z',
      pagesDone: 2,
      rowsDone: 500,
      rowsExpected: 2000,
      resumed: false,
    });
    const body = await (await h.get('/v1/sources/eu/sync')).json();
    expect(body.running).toBe(true);
    expect(body.state).toBe('syncing');
    expect(body.progress).toMatchObject({ runId: 'run-5', rowsDone: 500, rowsExpected: 2000, percent: 25 });
  });

  it('404 for an unknown source', async () => {
    const res = await h.get('/v1/sources/asia/sync');
    expect(res.status).toBe(404);
  });
});
