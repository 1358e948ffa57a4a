import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from './errors.ts';
import { openSqliteStore } from './sqlite.ts';

/*
 * Every method of the SQLite store (and of its parts) throws the store's classified error, never
 * SQLite's own: a damaged file is `store_corrupt` with its fix, whichever caller asks. The driver
 * is made to fail every statement (as on a damaged file), and every method is called.
 */

const probe = new Database(':memory:');
const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
probe.close();
const dbProto = Database.prototype as unknown as Record<string, unknown>;
const PATCHED: Array<[Record<string, unknown>, string]> = [
  ...['run', 'get', 'all', 'iterate'].map((k) => [statementProto, k] as [Record<string, unknown>, string]),
  ...['prepare', 'exec', 'pragma'].map((k) => [dbProto, k] as [Record<string, unknown>, string]),
];
const originals = PATCHED.map(([proto, key]) => proto[key]);
const corrupt = () => {
  for (const [proto, key] of PATCHED) {
    proto[key] = () => {
      throw new Database.SqliteError('database disk image is malformed', 'SQLITE_CORRUPT');
    };
  }
};
const restore = () => {
  PATCHED.forEach(([proto, key], i) => {
    proto[key] = originals[i];
  });
};

let dir: string | undefined;
afterEach(() => {
  restore();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Every method name reachable on the object (its class's and their parents'), but the constructor. */
function methodsOf(target: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = target; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (d && typeof d.value === 'function') names.add(name);
    }
  }
  return [...names].sort();
}

/** Arguments that reach the database for the methods whose first argument is not a source id. */
const ARGS: Record<string, unknown[]> = {
  applyPage: ['eu', [], null],
  listInvoices: [{}, undefined, 10],
  listInvoiceJson: [{}, undefined, 10],
  changes: [0, 10],
  changesJson: [0, 10],
  revenue: [{ bySource: false }],
  upsertSource: [{ id: 'eu', name: 'EU' }],
  transact: [() => 1],
  read: [() => 1],
  audit: [0, 10],
};

describe('the SQLite store classifies its errors at its boundary', () => {
  it('no method of the store or of its parts lets a raw SQLite error out', async () => {
    dir = mkdtempSync(join(tmpdir(), 'classified-'));
    const store = openSqliteStore({ path: join(dir, 'bridge.sqlite') });
    await store.upsertSource({ id: 'eu', name: 'EU' });
    const targets: Array<[string, Record<string, unknown>]> = [['store', store as never]];
    for (const part of ['ledger', 'managedSources', 'loginGate', 'facadeBans', 'forecasts'] as const)
      targets.push([part, store[part] as never]);
    corrupt();
    const leaked: string[] = [];
    let classified = 0;
    let called = 0;
    for (const [where, target] of targets) {
      for (const name of methodsOf(target)) {
        if (name === 'close' || name === 'attachmentBytes' || name.startsWith('#')) continue;
        called++;
        const fn = target[name] as (...args: unknown[]) => unknown;
        try {
          await fn.apply(target, ARGS[name] ?? ['eu', 1, 10]);
        } catch (err) {
          if (
            err instanceof Database.SqliteError ||
            String((err as { code?: unknown }).code).startsWith('SQLITE_')
          )
            leaked.push(`${where}.${name}: ${(err as Error).message}`);
          else if (err instanceof StoreError && err.code === 'store_corrupt') classified++;
        }
      }
    }
    restore();
    await store.close();
    expect(leaked).toEqual([]);
    // Most methods reach the database with these arguments: the test exercises the boundary.
    expect(called).toBeGreaterThan(40);
    expect(classified).toBeGreaterThan(called / 2);
  });
});
