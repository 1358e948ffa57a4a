import { NEVER_RETRY_CODES, WhmcsError, type WhmcsErrorCode } from '@forecaster/whmcs-client';
import type { SourceConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { StoreError } from '../store/errors.ts';
import type { SourceError, Store } from '../store/types.ts';
import { SyncRefusedError } from './full-walk-guard.ts';
import { LeaseLostError } from './source-lease.ts';
import { configHash } from './source-state.ts';

/** What a failure means for the source: a hint, and where the fix is documented. */
export type Diagnose = (
  code: string,
  context: { source: SourceConfig; status?: number },
) => { hint?: string; docsUrl?: string };

/** WHMCS refused the credential, the IP or the permission: retrying risks a ban. */
export function isRefusal(code: string): boolean {
  return NEVER_RETRY_CODES.has(code as WhmcsErrorCode);
}

export function isLeaseLost(err: unknown): boolean {
  return err instanceof LeaseLostError || (err instanceof StoreError && err.code === 'lease_lost');
}

/**
 * The error a failed run records: known failures keep their code and message, anything else
 * becomes `internal_error` with a message that leaks nothing (the details go to the log).
 */
export function describeFailure(
  failure: unknown,
  context: { source: SourceConfig; store: Store; logger: Logger; diagnose?: Diagnose; at: Date },
): SourceError {
  const { source } = context;
  // The store throws its failures classified already (classified-store.ts).
  const err = failure;
  const known = err instanceof WhmcsError || err instanceof SyncRefusedError || err instanceof StoreError;
  const code = known ? err.code : 'internal_error';
  const message = err instanceof Error ? err.message : String(err);
  if (!known) context.logger.error({ err, source: source.id }, 'unexpected sync error');
  return {
    code,
    message: known ? message : 'an unexpected error stopped the sync; see the bridge log',
    ...context.diagnose?.(code, {
      source,
      ...(err instanceof WhmcsError && err.status !== undefined ? { status: err.status } : {}),
    }),
    at: context.at.toISOString(),
    configHash: configHash(source),
  };
}

export function quarantineWarning(count: number): string {
  return `${count} invoice${count === 1 ? '' : 's'} could not be stored as WHMCS sent ${count === 1 ? 'it' : 'them'} and ${count === 1 ? 'is' : 'are'} quarantined (GET /v1/sources/{id} lists them); every other invoice was stored`;
}
