import pg from 'pg';

/*
 * The connection pool and the one way this store runs a transaction. int8 (count(*), ids,
 * seqs) is read as a JavaScript number: every such value the store keeps is a safe integer
 * (invoice ids and seqs are checked on write). Amounts are never read through it: they are
 * selected as text and parsed with BigInt.
 */

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PoolOptions {
  url: string;
  /** Connections at most (default 10). */
  poolSize?: number;
  /** TLS to the database: off, or on with the server's certificate verified against `ca`. */
  ssl?: pg.ClientConfig['ssl'];
  /** Shown in pg_stat_activity, so that an operator sees which bridge holds what. */
  applicationName?: string;
}

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types,
    application_name: options.applicationName ?? 'forecaster-bridge',
    // A bridge whose database went away must say so quickly (/readyz), not queue for ever.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
  });
  // An idle client's error (the server restarted) is reported by the next query instead.
  pool.on('error', () => {});
  // No JIT compiling: the store's statements are index look-ups and ranges, each a few ms, and
  // PostgreSQL compiles any plan it prices over jit_above_cost, a price it guesses high for a
  // table without statistics yet (a new store, after a bulk load): the change feed then took
  // 71-85 ms a page instead of 3-7 (measured 7 Dec 2026). Queued before the first query of each
  // connection; a server without JIT (before PostgreSQL 11) has no such setting to turn off.
  pool.on('connect', (client) => {
    client.query('SET jit = off').catch(() => {});
  });
  return pool;
}

export type Queryable = pg.Pool | pg.PoolClient;

/** Runs `work` in one transaction on one pooled connection; rolled back if it throws. */
export async function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  isolation: 'READ COMMITTED' | 'REPEATABLE READ' = 'READ COMMITTED',
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

/** Advisory lock keys, per purpose (the first of the two int4 keys). */
export const LOCK = {
  migrate: 7_301,
  lease: 7_302,
  loginGate: 7_303,
  facadeBans: 7_304,
  forecasts: 7_305,
  ledger: 7_306,
} as const;

/** Serializes transactions on one key (released at commit or rollback). */
export async function lockFor(client: pg.PoolClient, purpose: number, key = ''): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [purpose, key]);
}
