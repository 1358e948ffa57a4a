import { StoreError } from './errors.ts';
import { classifyStoreError } from './store-errors.ts';
import type { Store } from './types.ts';

/*
 * Store errors are classified once, here, at the store's boundary: every method of the store
 * and of its parts (ledger, managed sources, login gate, facade bans, forecasts) throws the
 * store's own error for a driver failure with a known cause (a full disk, a damaged file, a
 * read-only directory), never the driver's bare message. Callers (the bridge's start, a failed
 * sync, the API) no longer need to remember to classify: three regressions came from a new
 * caller that forgot.
 */

/** The parts of a store whose methods reach the database. */
const PARTS = ['ledger', 'managedSources', 'loginGate', 'facadeBans', 'forecasts'] as const;

type Classify = (err: unknown) => StoreError | undefined;

/** `target`, with every method's thrown or rejected error passed through `classify`. */
function classifying<T extends object>(target: T, classify: Classify, parts: readonly string[] = []): T {
  const rethrow = (err: unknown) => {
    throw classify(err) ?? err;
  };
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(t, key) {
      if (wrapped.has(key)) return wrapped.get(key);
      const value = Reflect.get(t, key, t);
      let out: unknown = value;
      if (typeof key === 'string' && parts.includes(key) && value && typeof value === 'object') {
        out = classifying(value, classify);
      } else if (typeof value === 'function') {
        out = (...args: unknown[]) => {
          try {
            const result = (value as (...a: unknown[]) => unknown).apply(t, args);
            return result instanceof Promise ? result.catch(rethrow) : result;
          } catch (err) {
            return rethrow(err);
          }
        };
      } else {
        return value;
      }
      wrapped.set(key, out);
      return out;
    },
  });
}

/** The SQLite store, throwing store_full, store_corrupt or store_read_only instead of SQLite's codes. */
export function classifiedSqliteStore<T extends Store & { path: string }>(store: T): T {
  return classifying(store, (err) => classifyStoreError(err, store.path), PARTS);
}

// SQLSTATEs with a cause the operator fixes: 53100 disk_full, 25006 a read-only standby.
const POSTGRES_CLASSES: Record<string, (err: unknown) => StoreError> = {
  '53100': (err) =>
    new StoreError('store_full', 'The disk holding the PostgreSQL database is full: free space there.', {
      cause: err,
    }),
  '25006': (err) =>
    new StoreError(
      'store_read_only',
      'The PostgreSQL database is read-only (a standby): point the bridge at the primary.',
      { cause: err },
    ),
};

/** The PostgreSQL store, throwing store_full or store_read_only for the SQLSTATEs that mean them. */
export function classifiedPostgresStore<T extends Store>(store: T): T {
  return classifying(
    store,
    (err) => {
      if (err instanceof StoreError) return err;
      const code = (err as { code?: unknown } | null)?.code;
      return typeof code === 'string' ? POSTGRES_CLASSES[code]?.(err) : undefined;
    },
    PARTS,
  );
}
