import { DIAGNOSTIC_CODES } from '@forecaster/module-assets';
import { WHMCS_ERROR_CODES } from '@forecaster/whmcs-client';
import { describe, expect, it } from 'vitest';
import type { StoreErrorCode } from './store/errors.ts';
import type { LoginDenialCode } from './store/login-gate.ts';
import type { SyncRefusedError } from './sync/full-walk-guard.ts';
import type { LeaseLostError, SourceBusyError } from './sync/source-lease.ts';

/*
 * Every code the bridge reports (a run's error, a refused trigger, the CLI) links to its
 * troubleshooting entry. The lists are checked against the types that declare the codes: a new
 * code in any of them fails the typecheck here until it is listed, and this test until the
 * catalogue (packages/module-assets) has its entry.
 */

/** Lists every member of the union `T`, or does not compile. */
const every =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : never)) =>
    list;

const storeCodes = every<StoreErrorCode>()([
  'lease_lost',
  'store_full',
  'store_corrupt',
  'store_read_only',
  'schema_too_new',
  // The engine registers every source before it writes, and vets every row before the store
  // sees it: these two mean a bug, and get the internal_error entry's advice.
  'unknown_source',
  'invalid_invoice',
]);
const NOT_REPORTED: readonly string[] = ['unknown_source', 'invalid_invoice'];

const EMITTED = [
  ...WHMCS_ERROR_CODES,
  ...every<SyncRefusedError['code']>()(['mass_delete', 'incomplete_walk']),
  ...every<SourceBusyError['code'] | LeaseLostError['code']>()(['source_busy', 'lease_lost']),
  ...every<LoginDenialCode>()(['credential_refused', 'login_cooldown', 'login_in_progress']),
  ...storeCodes.filter((code) => !NOT_REPORTED.includes(code)),
  // describeFailure (sync/run-failure.ts): anything unexpected.
  'internal_error',
];

describe('the troubleshooting catalogue', () => {
  it('has an entry for every code the bridge reports', () => {
    const catalogue: readonly string[] = DIAGNOSTIC_CODES;
    expect(EMITTED.filter((code) => !catalogue.includes(code))).toEqual([]);
  });
});
