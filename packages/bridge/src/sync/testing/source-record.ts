import type { SourceRecord } from '../../store/types.ts';

/** A stored source that never synced, with `parts` on top (tests of the pure sync rules). */
export function sourceRecord(parts: Partial<SourceRecord> = {}): SourceRecord {
  return { id: 'eu', name: 'eu', failing: false, highWaterMark: 0, walkState: {}, quarantined: 0, ...parts };
}
