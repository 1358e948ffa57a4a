import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toUnits } from '@forecaster/whmcs-client';
import Database, { type Database as Db } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from './errors.ts';
import { makeInvoices, seededRandom } from './invoice-fixtures.ts';
import { LATEST_VERSION, MIGRATIONS, type Migration, migrate, schemaVersion } from './migrations.ts';
import { rebuildRevenue } from './revenue.ts';
import { openSqliteStore } from './sqlite.ts';
import type { FetchedInvoice } from './types.ts';

let dir: string;
let path: string;
let db: Db | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-migrations-'));
  path = join(dir, 'bridge.db');
});

afterEach(() => {
  db?.close();
  db = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const tables = (d: Db) =>
  d.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Writes an invoice the way the version-2 code did, straight into the table. */
function insertAtV2(d: Db, { invoice, raw }: FetchedInvoice, seq: number) {
  const rawText = JSON.stringify(raw);
  d.prepare(
    `INSERT INTO invoices (source, id, status, currency, client_id, issue_date, due_date, paid_date, total_units,
       credit_units, data, raw, hash, seq, deleted_at, seen_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
  ).run(
    invoice.source,
    invoice.id,
    invoice.status,
    invoice.currency,
    invoice.clientId,
    invoice.issueDate,
    invoice.dueDate,
    invoice.paidAt?.slice(0, 10) ?? null,
    toUnits(invoice.total),
    toUnits(invoice.credit),
    JSON.stringify(invoice),
    rawText,
    createHash('sha256').update(rawText).digest('hex'),
    seq,
  );
}

describe('migrations', () => {
  it('numbers its steps in ascending order (reserved numbers may leave gaps) with a name each', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    for (const m of MIGRATIONS) expect(m.name).not.toBe('');
    expect(LATEST_VERSION).toBe(versions.at(-1));
  });

  it('builds a fresh database and records every step once', () => {
    db = new Database(path);
    expect(migrate(db)).toEqual({ from: 0, to: LATEST_VERSION });
    expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
    );
    expect(tables(db)).toEqual([
      'attachments',
      'audit_log',
      'facade_bans',
      'facade_failures',
      'forecast_backtests',
      'idempotency_keys',
      'invoices',
      'issued_forecasts',
      'ledger_records',
      'ledger_settings',
      'login_gate',
      'managed_sources',
      'meta',
      'quarantine',
      'revenue_monthly',
      'schema_migrations',
      'sources',
      'sqlite_sequence',
      'sync_leases',
    ]);
    expect(migrate(db)).toEqual({ from: LATEST_VERSION, to: LATEST_VERSION });
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
  });

  const rows = [
    ...makeInvoices(seededRandom(31), 'eu', 1, 40, { messy: true }),
    ...makeInvoices(seededRandom(32), 'us', 1, 40),
  ];

  /** A database after the first `steps` steps holding `rows` (us/1-5 tombstoned), as that code left it. */
  function seedAt(steps: number) {
    const d = new Database(path);
    migrate(d, MIGRATIONS.slice(0, steps));
    expect(schemaVersion(d)).toBe(MIGRATIONS[steps - 1]!.version);
    d.prepare("INSERT INTO sources (id, name, failing) VALUES ('eu', 'EU', 1), ('us', 'US', 0)").run();
    for (const [i, row] of rows.entries()) insertAtV2(d, row, i + 1);
    d.prepare("UPDATE meta SET value = ? WHERE key = 'seq'").run(rows.length);
    d.prepare(
      "UPDATE invoices SET deleted_at = '2025-01-01T00:00:00.000Z' WHERE source = 'us' AND id <= 5",
    ).run();
    if (tables(d).includes('revenue_monthly')) rebuildRevenue(d);
    d.close();
  }

  /** The same data, kept by a store from the start. */
  async function reference() {
    const store = openSqliteStore({ path: ':memory:' });
    for (const id of ['eu', 'us']) await store.upsertSource({ id, name: id });
    await store.applyPage('eu', rows.slice(0, 40), null);
    await store.applyPage('us', rows.slice(40), null);
    await store.removeInvoices('us', [1, 2, 3, 4, 5]);
    return store;
  }

  it('upgrades a database from before the last change of the invoices table (11) and keeps its data', async () => {
    // The seed writes invoices in the old format: later steps that leave the table alone count too.
    seedAt(MIGRATIONS.findIndex((m) => m.version === 11));
    const store = openSqliteStore({ path });
    expect(store.schemaVersion).toBe(LATEST_VERSION);
    expect(await store.getSource('eu')).toMatchObject({ name: 'EU', failing: true, highWaterMark: 40 });
    const stored = await store.getInvoice('eu', 7);
    expect(stored?.invoice).toEqual(rows[6]!.invoice);
    expect(JSON.stringify(stored?.raw)).toBe(JSON.stringify(rows[6]!.raw));
    // Migration 11 keeps the raw record once: every one is rebuilt byte for byte, same hash.
    for (const { invoice, raw } of rows) {
      const again = await store.getInvoice(invoice.source, invoice.id);
      const text = JSON.stringify(raw);
      expect(JSON.stringify(again?.raw)).toBe(text);
      expect(again?.hash).toBe(createHash('sha256').update(text).digest('hex'));
    }
    expect(await store.currentSeq()).toBe(80);
    expect(await store.countFromId('us', 0)).toBe(35);
    const expected = await reference();
    const revenue = await store.revenue({ bySource: true });
    expect(revenue.length).toBeGreaterThan(10);
    expect(revenue).toEqual(await expected.revenue({ bySource: true }));
    const usChanges = await store.changes(30, 100, ['us']);
    expect(usChanges.map((c) => c.seq)).toEqual(range(41, 80));
    expect(usChanges.filter((c) => c.kind === 'delete').map((c) => c.id)).toEqual([1, 2, 3, 4, 5]);

    // And it goes on from there.
    await store.applyPage('eu', makeInvoices(seededRandom(33), 'eu', 41, 1), null);
    expect((await store.getInvoice('eu', 41))?.seq).toBe(81);
    await expected.close();
    await store.close();
  });

  it('backfills the revenue summary when upgrading from before it (version 2)', async () => {
    seedAt(2);
    const store = openSqliteStore({ path });
    const expected = await reference();
    const revenue = await store.revenue({ bySource: true });
    expect(revenue.length).toBeGreaterThan(10);
    expect(revenue).toEqual(await expected.revenue({ bySource: true }));
    await expected.close();
    await store.close();
  });

  it('refuses a database written by a newer release, and leaves it untouched', async () => {
    const store = openSqliteStore({ path });
    await store.upsertSource({ id: 'eu', name: 'EU' });
    await store.close();
    db = new Database(path);
    db.prepare("INSERT INTO schema_migrations VALUES (?, 'from the future', '2030-01-01T00:00:00Z')").run(
      LATEST_VERSION + 1,
    );
    db.close();
    db = undefined;

    let error: unknown;
    try {
      openSqliteStore({ path });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({
      code: 'schema_too_new',
      message: expect.stringMatching(
        new RegExp(
          `schema version ${LATEST_VERSION + 1}, but this build .* knows versions up to ${LATEST_VERSION}`,
        ),
      ),
    });
    db = new Database(path, { readonly: true });
    expect(schemaVersion(db)).toBe(LATEST_VERSION + 1);
    expect(db.prepare('SELECT name FROM sources').pluck().all()).toEqual(['EU']);
  });

  it('rolls back a step that fails and stays at the last whole version', () => {
    db = new Database(path);
    const broken: Migration = {
      version: LATEST_VERSION + 1,
      name: 'broken',
      up(d) {
        d.exec('CREATE TABLE half_done (x)');
        throw new Error('boom');
      },
    };
    expect(() => migrate(db!, [...MIGRATIONS, broken])).toThrow('boom');
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(tables(db)).not.toContain('half_done');
  });

  it('accepts a gap, refuses a list going backwards', () => {
    db = new Database(':memory:');
    const gap = [MIGRATIONS[0]!, { ...MIGRATIONS[1]!, version: 3 }];
    // A gap is allowed (reserved numbers land out of order); going backwards or repeating is not.
    expect(() => migrate(db!, gap)).not.toThrow();
    const backwards = [MIGRATIONS[1]!, MIGRATIONS[0]!];
    expect(() => migrate(new Database(':memory:'), backwards)).toThrow(/has version 1, expected one above 2/);
  });

  it('applies a reserved step that lands after a higher one (5 after 8) on a database already at 8', () => {
    db = new Database(':memory:');
    const base = MIGRATIONS.filter((m) => m.version <= 4);
    const eight: Migration = { version: 8, name: 'eight', up: (d) => d.exec('CREATE TABLE eight (x)') };
    const five: Migration = { version: 5, name: 'five', up: (d) => d.exec('CREATE TABLE five (x)') };
    migrate(db, [...base, eight]);
    expect(schemaVersion(db)).toBe(8);
    migrate(db, [...base, five, eight]);
    expect(tables(db)).toEqual(expect.arrayContaining(['five', 'eight']));
    expect(schemaVersion(db)).toBe(8);
  });
});
