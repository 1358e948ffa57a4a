import { createHash } from 'node:crypto';
import type { SourceConfig } from '../config.ts';
import type { SourceError, SourceRecord, SourceStateName, SyncRunResult } from '../store/types.ts';

/** Every state a source can be in, in the order the metric lists them. */
export const SOURCE_STATES = [
  'ok',
  'syncing',
  'failing',
  'never_synced',
] as const satisfies readonly SourceStateName[];

/**
 * An error recorded under another configuration (another URL, credential, access key or CA)
 * says nothing about this one: a fixed configuration clears it at start, before any retry.
 */
export function isCurrentError(error: SourceError | undefined, configHash: string): error is SourceError {
  return error !== undefined && (error.configHash === undefined || error.configHash === configHash);
}

/**
 * A source's state from what the store holds and the last run of any kind: `failing` when the
 * latest run (full or incremental) failed, or WHMCS refused, under this configuration; `ok`
 * when any run succeeded or invoices are stored; `never_synced` only when nothing ever was.
 */
export function sourceState(
  record: SourceRecord | undefined,
  context: { running: boolean; configHash: string },
): SourceStateName {
  if (context.running) return 'syncing';
  if (!record) return 'never_synced';
  const last = [record.lastFull, record.lastIncremental]
    .filter((run): run is SyncRunResult => run !== undefined)
    .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt))
    .at(-1);
  if (record.failing && isCurrentError(record.lastError, context.configHash)) return 'failing';
  if (last?.result === 'failed' && isCurrentError(last.error, context.configHash)) return 'failing';
  const synced =
    record.lastFull?.result === 'ok' || record.lastIncremental?.result === 'ok' || record.highWaterMark > 0;
  return synced ? 'ok' : 'never_synced';
}

/** A fingerprint of what decides whether WHMCS accepts the source (no secret is kept). */
export function configHash(source: SourceConfig): string {
  return createHash('sha256')
    .update(JSON.stringify([source.url, source.credentials, source.accessKey ?? null, source.tls.ca ?? null]))
    .digest('hex')
    .slice(0, 16);
}
