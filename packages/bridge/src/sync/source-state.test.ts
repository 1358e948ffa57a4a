import { describe, expect, it } from 'vitest';
import type { SourceRecord, SyncRunResult } from '../store/types.ts';
import { sourceState } from './source-state.ts';
import { sourceRecord } from './testing/source-record.ts';

const HASH = 'current-config';

function run(
  mode: 'full' | 'incremental',
  result: 'ok' | 'failed',
  finishedAt: string,
  hash = HASH,
): SyncRunResult {
  return {
    mode,
    runId: `${mode}-${finishedAt}`,
    startedAt: finishedAt,
    finishedAt,
    durationMs: 1,
    result,
    calls: 1,
    rowsRead: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    ...(result === 'failed'
      ? { error: { code: 'network', message: 'refused', at: finishedAt, configHash: hash } }
      : {}),
  };
}

const record = sourceRecord;

const state = (r: SourceRecord | undefined, running = false) => sourceState(r, { running, configHash: HASH });

describe('a source’s state', () => {
  it('a full sync, a failed full sync, then a successful incremental: ok (it was never_synced)', () => {
    const r = record({
      lastFull: run('full', 'failed', '2026-01-02T00:00:00Z'),
      lastIncremental: run('incremental', 'ok', '2026-01-03T00:00:00Z'),
      highWaterMark: 19_995,
    });
    expect(state(r)).toBe('ok');
  });

  it('follows the last run of any kind: a failed incremental after an ok full is failing', () => {
    const r = record({
      lastFull: run('full', 'ok', '2026-01-02T00:00:00Z'),
      lastIncremental: run('incremental', 'failed', '2026-01-03T00:00:00Z'),
    });
    expect(state(r)).toBe('failing');
  });

  it('an error recorded under the previous configuration is not this one’s: the fixed URL is not failing', () => {
    const failed = run('full', 'failed', '2026-01-02T00:00:00Z', 'previous-url');
    expect(state(record({ lastFull: failed, lastError: failed.error! }))).toBe('never_synced');
    expect(state(record({ lastFull: failed, lastError: failed.error!, highWaterMark: 10 }))).toBe('ok');
    expect(state(record({ lastFull: failed, lastError: failed.error!, failing: true }))).toBe('never_synced');
    const current = run('full', 'failed', '2026-01-02T00:00:00Z');
    expect(state(record({ lastFull: current, lastError: current.error!, failing: true }))).toBe('failing');
  });

  it('follows the store: invoices stored mean synced, nothing at all means never_synced; running is syncing', () => {
    expect(state(undefined)).toBe('never_synced');
    expect(state(record({}))).toBe('never_synced');
    expect(state(record({ highWaterMark: 5 }))).toBe('ok');
    expect(state(record({ highWaterMark: 5 }), true)).toBe('syncing');
  });
});
