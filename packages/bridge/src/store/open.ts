import { openPostgresStore } from './postgres/store.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

/** Which store to open: SQLite's file, or a PostgreSQL database. */
export type StoreOptions =
  | { kind: 'sqlite'; path: string; clock?: () => Date }
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      /** `false`, or TLS options with the server's certificate verified. */
      ssl?: false | { rejectUnauthorized: true; ca?: string };
      clock?: () => Date;
    };

/**
 * Opens (and migrates) the configured store.
 *
 * @example const store = await openStore({ kind: 'sqlite', path: 'data/bridge.sqlite' })
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.kind === 'sqlite') {
    return openSqliteStore({ path: options.path, ...(options.clock ? { clock: options.clock } : {}) });
  }
  const { kind: _, ...postgres } = options;
  return openPostgresStore(postgres);
}
