import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openPostgresStore } from '../postgres/store.ts';
import { openSqliteStore } from '../sqlite.ts';
import type { Store } from '../types.ts';
import { createDatabase } from './postgres-server.ts';

/*
 * The store behaviour suites run once per engine (`describe.each(STORE_KINDS)`): a place to
 * open the store under test, again (a second connection, a reopen), and to throw it away.
 */

export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface StorePlace {
  readonly kind: StoreKind;
  /** Opens the store (again: every call is another connection to the same data). */
  open(clock?: () => Date): Promise<Store>;
  /** Deletes the data (close every store first). */
  dispose(): Promise<void>;
}

/**
 * A new, empty place for a store of this kind: a temporary SQLite file, or a fresh database on
 * the test run's PostgreSQL server.
 *
 * @example const place = await storePlace('postgres'); const store = await place.open(clock)
 */
export async function storePlace(kind: StoreKind): Promise<StorePlace> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-store-'));
    return {
      kind,
      async open(clock) {
        return openSqliteStore({ path: join(dir, 'nested', 'bridge.db'), ...(clock ? { clock } : {}) });
      },
      async dispose() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  template ??= migratedTemplate(inject('postgresUrl'));
  const url = await createDatabase(inject('postgresUrl'), 'test', await template);
  return {
    kind,
    async open(clock) {
      return openPostgresStore({ url, poolSize: 4, ...(clock ? { clock } : {}) });
    },
    async dispose() {},
  };
}

let template: Promise<string> | undefined;

/** A database migrated once per test worker, copied for each test (a copy is faster than migrating). */
async function migratedTemplate(serverUrl: string): Promise<string> {
  const url = await createDatabase(serverUrl, 'template');
  const store = await openPostgresStore({ url, poolSize: 1 });
  await store.close();
  return new URL(url).pathname.slice(1);
}
