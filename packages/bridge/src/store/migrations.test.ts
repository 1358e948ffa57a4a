import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database, { type Database as Db } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from './errors.ts';
import { makeInvoices, seededRandom } from './invoice-fixtures.ts';
import { LATEST_VERSION, MIGRATIONS, type Migration, migrate, schemaVersion } from './migrations.ts';
import { toUnits } from './money.ts';
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
  it('numbers its steps 1, 2, 3, ... with a name each', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    for (const m of MIGRATIONS) expect(m.name).not.toBe('');
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
  });

  it('builds a fresh database and records every step once', () => {
    db = new Database(path);
    expect(migrate(db)).toEqual({ from: 0, to: LATEST_VERSION });
    expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
    );
    expect(tables(db)).toEqual(['invoices', 'meta', 'revenue_monthly', 'schema_migrations', 'sources']);
    expect(migrate(db)).toEqual({ from: LATEST_VERSION, to: LATEST_VERSION });
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(LATEST_VERSION);
  });

  it('upgrades a database one version behind and keeps its data', async () => {
    const rows = [
      ...makeInvoices(seededRandom(31), 'eu', 1, 40, { messy: true }),
      ...makeInvoices(seededRandom(32), 'us', 1, 40),
    ];
    db = new Database(path);
    migrate(db, MIGRATIONS.slice(0, -1));
    expect(schemaVersion(db)).toBe(LATEST_VERSION - 1);
    db.prepare("INSERT INTO sources (id, name, failing) VALUES ('eu', 'EU', 1), ('us', 'US', 0)").run();
    for (const [i, row] of rows.entries()) insertAtV2(db, row, i + 1);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'seq'").run(rows.length);
    db.prepare(
      "UPDATE invoices SET deleted_at = '2025-01-01T00:00:00.000Z' WHERE source = 'us' AND id <= 5",
    ).run();
    db.close();
    db = undefined;

    const store = openSqliteStore({ path });
    expect(store.schemaVersion).toBe(LATEST_VERSION);
    expect(await store.getSource('eu')).toMatchObject({ name: 'EU', failing: true, highWaterMark: 40 });
    const stored = await store.getInvoice('eu', 7);
    expect(stored?.invoice).toEqual(rows[6]!.invoice);
    expect(JSON.stringify(stored?.raw)).toBe(JSON.stringify(rows[6]!.raw));
    expect(await store.currentSeq()).toBe(80);
    expect(await store.countFromId('us', 0)).toBe(35);

    // The summary the new step backfilled equals the one a store kept from the start.
    const reference = openSqliteStore({ path: ':memory:' });
    for (const id of ['eu', 'us']) await reference.upsertSource({ id, name: id });
    await reference.applyPage('eu', rows.slice(0, 40), null);
    await reference.applyPage('us', rows.slice(40), null);
    await reference.removeInvoices('us', [1, 2, 3, 4, 5]);
    const revenue = await store.revenue({ bySource: true });
    expect(revenue.length).toBeGreaterThan(10);
    expect(revenue).toEqual(await reference.revenue({ bySource: true }));

    // And it goes on from there.
    await store.applyPage('eu', makeInvoices(seededRandom(33), 'eu', 41, 1), null);
    expect((await store.getInvoice('eu', 41))?.seq).toBe(81);
    await reference.close();
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

  it('rejects a list with a gap', () => {
    db = new Database(':memory:');
    const gap = [MIGRATIONS[0]!, { ...MIGRATIONS[1]!, version: 3 }];
    expect(() => migrate(db!, gap)).toThrow(/has version 3, expected 2/);
  });
});
