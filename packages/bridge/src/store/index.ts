export type { BanLedger, BanRule } from './ban-ledger.ts';
export {
  type DataDirHolder,
  type DataDirLock,
  DataDirLockedError,
  DEMO_MARK_FILE,
  LOCK_FILE,
  lockDataDir,
  NotADemoDirError,
} from './data-dir-lock.ts';
export { StoreError, type StoreErrorCode } from './errors.ts';
export { DEFAULT_LEASE_TTL_MS, describeHolder, holderIsDead, leaseHolder } from './lease.ts';
export * from './login-gate.ts';
export { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite.ts';
export type * from './types.ts';
