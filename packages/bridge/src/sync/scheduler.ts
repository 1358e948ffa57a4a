import type { SourceConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { SourceRecord, SyncMode, SyncRunResult } from '../store/types.ts';

/** After a failed full sync (not a refusal), wait before the scheduler tries again. */
export function retryDelay(source: SourceConfig): number {
  return Math.min(source.sync.incrementalEvery, 300_000);
}

/**
 * The run a source is due for at `now` (ms), or none: an interrupted run resumes, a full sync
 * that never completed is retried politely, then full and incremental syncs at their
 * configured intervals. A source WHMCS refused (`failing`) waits for a person.
 */
export function dueMode(
  source: SourceConfig,
  record: SourceRecord | undefined,
  now: number,
): SyncMode | undefined {
  if (!record || record.failing) return undefined;
  const due = (last: SyncRunResult | undefined, every: number) => {
    if (!last) return true;
    const at = Date.parse(last.finishedAt);
    // A clock that jumped backwards would otherwise postpone the next sync indefinitely.
    return at > now || now - at >= every;
  };
  if (record.checkpoint) {
    // An interrupted run resumes at once; one that failed (its checkpoint stays) waits like
    // any failed run, or a page that always fails would be asked for again every tick.
    const last = record.checkpoint.mode === 'full' ? record.lastFull : record.lastIncremental;
    const failed = last?.result === 'failed' && last.runId === record.checkpoint.runId;
    return !failed || due(last, retryDelay(source)) ? record.checkpoint.mode : undefined;
  }
  if (record.lastFull?.result !== 'ok') {
    // Never completed a full sync, or the last one failed on the way: try again, politely.
    return !record.lastFull || due(record.lastFull, retryDelay(source)) ? 'full' : undefined;
  }
  if (due(record.lastFull, source.sync.fullEvery)) return 'full';
  if (
    due(record.lastIncremental, source.sync.incrementalEvery) &&
    // A full sync reads everything an incremental one would: it counts as one.
    due(record.lastFull, source.sync.incrementalEvery)
  )
    return 'incremental';
  return undefined;
}

/**
 * Calls `tick` every second, never two at once; a tick that throws is logged, and the next
 * one comes. The timer does not keep the process alive.
 */
export class Ticker {
  readonly #tick: () => Promise<void>;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #stopped = false;

  constructor(tick: () => Promise<void>, logger: Logger) {
    this.#tick = tick;
    this.#logger = logger;
  }

  start(): void {
    this.#timer = setInterval(() => void this.run(), 1000);
    this.#timer.unref();
    void this.run();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
  }

  async run(): Promise<void> {
    if (this.#stopped || this.#ticking) return;
    this.#ticking = true;
    try {
      await this.#tick();
    } catch (err) {
      this.#logger.error({ err }, 'scheduling failed');
    } finally {
      this.#ticking = false;
    }
  }
}
