import { StoreError } from './errors.ts';

/*
 * A request that fails because the store cannot be reached or written is not a bug of the
 * bridge (500 internal_error) but a state a client can wait out or an operator can fix: the
 * API answers it 503 store_unavailable, with Retry-After, and never with stale data.
 */

/** Why the store is unavailable, in words a client may see (no path, no host), or undefined. */
export function storeUnavailable(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const reason = ownReason(e);
    if (reason) return reason;
  }
  return undefined;
}

// node-postgres and the network: the server is gone, refuses, restarts or is full.
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
// PostgreSQL SQLSTATEs: 08 connection exceptions, 57P0x shutdown/crash/not yet accepting,
// 53 insufficient resources (disk full, too many connections), 25006 a read-only standby.
const POSTGRES = /^(?:08...|57P0[1-4]|53...|25006)$/;
// node-postgres throws these without a code when a connection dies or the pool cannot get one.
const PG_MESSAGES =
  /^(?:Connection terminated|Connection terminated unexpectedly|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable)/;

function ownReason(e: unknown): string | undefined {
  if (e instanceof StoreError) {
    if (e.code === 'store_full') return 'the store is full';
    if (e.code === 'store_read_only') return 'the store cannot be written';
    if (e.code === 'store_corrupt') return 'the store is damaged';
    return undefined;
  }
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK.has(code)) return 'the database does not answer';
    if (POSTGRES.test(code)) {
      if (code === '25006') return 'the database is read-only (a standby)';
      if (code.startsWith('53')) return 'the database is out of resources';
      return 'the database does not answer';
    }
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_FULL' || code.startsWith('SQLITE_READONLY'))
      return code === 'SQLITE_BUSY' ? 'the store is busy' : 'the store cannot be written';
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'the store is damaged';
  }
  if (e instanceof Error && PG_MESSAGES.test(e.message)) return 'the database does not answer';
  return undefined;
}
