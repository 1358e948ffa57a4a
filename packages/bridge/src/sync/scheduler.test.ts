import { describe, expect, it } from 'vitest';
import { sourceConfig } from '../api/testing/harness.ts';
import type { SyncRunResult } from '../store/types.ts';
import { dueMode } from './scheduler.ts';
import { sourceRecord } from './testing/source-record.ts';

const MIN = 60_000;
const NOW = Date.parse('2026-03-01T12:00:00Z');
const source = sourceConfig('eu', { sync: { incrementalEvery: 5 * MIN, fullEvery: 24 * 60 * MIN } });

function run(
  mode: 'full' | 'incremental',
  result: 'ok' | 'failed',
  minutesAgo: number,
  runId = 'r',
): SyncRunResult {
  const at = new Date(NOW - minutesAgo * MIN).toISOString();
  return {
    mode,
    runId,
    startedAt: at,
    finishedAt: at,
    durationMs: 1,
    result,
    ...{ calls: 1, rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, removed: 0 },
  };
}

const record = sourceRecord;

const checkpoint = (mode: 'full' | 'incremental', runId: string) => ({
  runId,
  mode,
  startedAt: new Date(NOW).toISOString(),
  phase: 'walk',
  pagesDone: 1,
  rowsDone: 10,
});

describe('which run a source is due for', () => {
  it('never synced: a full sync at once; unknown or failing (refused) sources: none', () => {
    expect(dueMode(source, record({}), NOW)).toBe('full');
    expect(dueMode(source, undefined, NOW)).toBeUndefined();
    expect(dueMode(source, record({ failing: true }), NOW)).toBeUndefined();
  });

  it('an interrupted run resumes at once, in its own mode', () => {
    const r = record({ lastFull: run('full', 'ok', 1), checkpoint: checkpoint('incremental', 'x') });
    expect(dueMode(source, r, NOW)).toBe('incremental');
  });

  it('a run that failed on its checkpoint waits the retry delay before it is asked again', () => {
    const failed = record({ lastFull: run('full', 'failed', 1, 'x'), checkpoint: checkpoint('full', 'x') });
    expect(dueMode(source, failed, NOW)).toBeUndefined();
    const later = record({ lastFull: run('full', 'failed', 5, 'x'), checkpoint: checkpoint('full', 'x') });
    expect(dueMode(source, later, NOW)).toBe('full');
  });

  it('a failed full sync without a checkpoint is retried politely', () => {
    expect(dueMode(source, record({ lastFull: run('full', 'failed', 2) }), NOW)).toBeUndefined();
    expect(dueMode(source, record({ lastFull: run('full', 'failed', 6) }), NOW)).toBe('full');
  });

  it('full every fullEvery, incremental every incrementalEvery; a recent full counts as an incremental', () => {
    expect(dueMode(source, record({ lastFull: run('full', 'ok', 25 * 60) }), NOW)).toBe('full');
    expect(dueMode(source, record({ lastFull: run('full', 'ok', 2) }), NOW)).toBeUndefined();
    const r = record({ lastFull: run('full', 'ok', 60), lastIncremental: run('incremental', 'ok', 6) });
    expect(dueMode(source, r, NOW)).toBe('incremental');
    const fresh = record({ lastFull: run('full', 'ok', 60), lastIncremental: run('incremental', 'ok', 1) });
    expect(dueMode(source, fresh, NOW)).toBeUndefined();
  });

  it('a clock that jumped backwards does not postpone the next sync', () => {
    const r = record({ lastFull: run('full', 'ok', 60), lastIncremental: run('incremental', 'ok', -30) });
    expect(dueMode(source, r, NOW)).toBe('incremental');
  });
});
