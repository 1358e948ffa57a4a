import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeInvoices, ODD_TEXTS, seededRandom, withTexts } from './invoice-fixtures.ts';
import { openSqliteStore, type SqliteStore } from './sqlite.ts';

// Migration 17 keeps the served JSON as JSONB. Whether a page read again is "unchanged" is a
// comparison of the stored text with JSON.stringify of the fetched invoice: if the text read
// back ever differed from the text written, every sync would rewrite every row and fill the
// change feed. These tests hold SQLite's round trip to the byte.

let dir: string;
let path: string;
let store: SqliteStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-jsonb-'));
  path = join(dir, 'bridge.db');
  store = openSqliteStore({ path });
  await store.upsertSource({ id: 'eu', name: 'EU' });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the invoice's JSON kept as JSONB", () => {
  it('is stored in binary form, smaller than its text', async () => {
    await store.applyPage('eu', makeInvoices(seededRandom(1), 'eu', 1, 50), null);
    const db = new Database(path, { readonly: true });
    const kinds = db.prepare('SELECT DISTINCT typeof(data) FROM invoices').pluck().all();
    expect(kinds).toEqual(['blob']);
    const { binary, text } = db
      .prepare('SELECT sum(length(data)) AS binary, sum(length(json(data))) AS text FROM invoices')
      .get() as { binary: number; text: number };
    db.close();
    expect(binary).toBeLessThan(text * 0.9);
  });

  it('reads back, byte for byte, the text written, and a page read again changes nothing', async () => {
    const rows = withTexts(
      makeInvoices(seededRandom(2), 'eu', 1, 2 * ODD_TEXTS.length, { messy: true }),
      ODD_TEXTS,
    );
    expect(await store.applyPage('eu', rows, null)).toMatchObject({ inserted: rows.length });
    for (const { invoice } of rows) {
      const stored = await store.getInvoice('eu', invoice.id);
      expect(JSON.stringify(stored?.invoice)).toBe(JSON.stringify(invoice));
    }
    const served = await store.listInvoiceJson({ sources: ['eu'] }, undefined, 500);
    expect(served.map((r) => Buffer.from(r.json).toString())).toEqual(
      rows.map((r) => JSON.stringify(r.invoice)),
    );
    expect(await store.applyPage('eu', rows, null)).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: rows.length,
    });
    const feed = await store.changes(0, 500, ['eu']);
    expect(feed.map((c) => JSON.stringify(c.invoice))).toEqual(rows.map((r) => JSON.stringify(r.invoice)));
  });

  it('round-trips any text JSON.stringify writes (property)', () => {
    const db = new Database(':memory:');
    const roundTrip = db.prepare<[string], string>('SELECT json(jsonb(?))').pluck();
    const values = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }),
      fc.string({ unit: 'grapheme' }),
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'binary' }), values), { maxLength: 12 }), (pairs) => {
        const text = JSON.stringify(Object.fromEntries(pairs));
        expect(roundTrip.get(text)).toBe(text);
      }),
      { numRuns: 2_000 },
    );
    db.close();
  });
});
