import { dirname } from 'node:path';
import { StoreError } from './errors.ts';

/*
 * What SQLite's failures mean for the person running the bridge: a full disk, a damaged file or
 * a data directory it may not write are not "internal errors", and each has its own fix.
 */

/** The store's own error for a driver failure that has a known cause, else undefined. */
export function classifyStoreError(err: unknown, path: string): StoreError | undefined {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const dir = path === ':memory:' ? 'the data directory' : dirname(path);
  if (code === 'SQLITE_FULL') {
    return new StoreError(
      'store_full',
      `The disk holding the store (${dir}) is full: free space there (the store needs room for its write-ahead log), then sync again. Nothing was half-written.`,
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StoreError(
      'store_corrupt',
      `The store file ${path} is damaged (${code}): stop the bridge, restore the file from a backup, or move it away and run \`bridge sync --full\` (WHMCS holds every invoice; /v1/changes cursors start over).`,
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) {
    return new StoreError(
      'store_read_only',
      `The store cannot be written (${code}): make ${dir} and the files in it writable by the user the bridge runs as, and check the disk is not mounted read-only.`,
      { cause: err },
    );
  }
  return undefined;
}
