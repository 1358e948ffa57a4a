import { describe, expect, it } from 'vitest';
import { type SourceRow, toSourceRecord } from './records.ts';

const run = {
  mode: 'full',
  runId: 'r1',
  startedAt: '2024-03-01T10:00:00.000Z',
  finishedAt: '2024-03-01T10:00:05.000Z',
  durationMs: 5000,
  result: 'failed',
  calls: 2,
  rowsRead: 250,
  inserted: 250,
  updated: 0,
  unchanged: 0,
  removed: 0,
  error: { code: 'ip_not_allowed', message: 'Invalid IP 10.0.0.1', at: '2024-03-01T10:00:05.000Z' },
};

const row = (columns: Partial<SourceRow>): SourceRow => ({
  id: 'eu',
  name: 'EU',
  failing: 0,
  last_error: null,
  last_full: null,
  last_incremental: null,
  checkpoint: null,
  walk_state: null,
  hwm: 10,
  quarantined: 0,
  ...columns,
});

describe('toSourceRecord: the JSON columns are parsed with their schemas, not cast', () => {
  it('reads back what the sync wrote, and drops keys no record has', () => {
    const checkpoint = {
      runId: 'r2',
      mode: 'full',
      startedAt: '2024-03-01T11:00:00.000Z',
      phase: 'walk',
      anchor: { id: 250, position: 249 },
      state: { bothEnds: { distinct: 250 } },
      legacy: true,
      pagesDone: 1,
      rowsDone: 250,
    };
    const record = toSourceRecord(
      row({
        last_full: JSON.stringify(run),
        last_error: JSON.stringify(run.error),
        checkpoint: JSON.stringify(checkpoint),
      }),
    );
    expect(record.lastFull).toEqual(run);
    expect(record.lastError).toEqual(run.error);
    const { legacy: _unused, ...kept } = checkpoint;
    expect(record.checkpoint).toEqual(kept);
  });

  it('refuses a run that does not have the shape of one, naming the field', () => {
    expect(() =>
      toSourceRecord(row({ last_incremental: JSON.stringify({ ...run, inserted: '250' }) })),
    ).toThrow(/inserted/);
    expect(() => toSourceRecord(row({ checkpoint: JSON.stringify({ runId: 'r3' }) }))).toThrow(/mode/);
  });
});
