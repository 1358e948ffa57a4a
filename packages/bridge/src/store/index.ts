export { StoreError, type StoreErrorCode } from './errors.ts';
export { formatUnits, toUnits } from './money.ts';
export { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite.ts';
export type * from './types.ts';
