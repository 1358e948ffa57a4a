import type { SourceConfig } from '../config.ts';
import type { FullRunTally } from '../store/types.ts';

/** The share of the stored invoices one run may delete unless a person allows more. */
export const DEFAULT_MAX_DELETE_SHARE = 0.1;

/** A run that stopped on purpose, before it could lose data: nothing was deleted. */
export class SyncRefusedError extends Error {
  override readonly name = 'SyncRefusedError';

  constructor(
    readonly code: 'mass_delete' | 'incomplete_walk',
    message: string,
  ) {
    super(message);
  }
}

/** How many invoices this run may tombstone. */
export function deleteBudget(source: SourceConfig, live: number, allowMassDelete: boolean): number {
  if (allowMassDelete || source.sync.allowMassDelete) return Number.POSITIVE_INFINITY;
  return Math.floor((source.sync.maxDeleteShare ?? DEFAULT_MAX_DELETE_SHARE) * live);
}

/**
 * Refuses a full run's tombstones when they exceed the delete budget: a WHMCS that answers
 * short (a cache, a broken plugin, a restored backup) must not empty the store.
 */
export function guardMassDelete(source: SourceConfig, tally: FullRunTally, allowMassDelete: boolean): void {
  const budget = deleteBudget(source, tally.live, allowMassDelete);
  if (tally.unseenLive <= budget) return;
  const share = source.sync.maxDeleteShare ?? DEFAULT_MAX_DELETE_SHARE;
  throw new SyncRefusedError(
    'mass_delete',
    `this full sync would delete ${tally.unseenLive} of ${tally.live} stored invoices ` +
      `(${percent(tally.unseenLive, tally.live)}), more than the ${percent(share, 1)} one run may delete; ` +
      `it saw ${tally.seen + tally.quarantinedSeen} invoices (highest id ${tally.maxSeenId}) and deleted nothing. ` +
      'If WHMCS really lost them, run `bridge sync --full --allow-mass-delete` once ' +
      '(or set sync.allowMassDelete); otherwise check what WHMCS answers.',
  );
}

function percent(part: number, whole: number): string {
  return `${whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10}%`;
}
