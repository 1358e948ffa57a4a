import type { Migration } from './migrations.ts';

/**
 * Migration 17: the served invoice kept as SQLite's binary JSON (JSONB, SQLite 3.45+) instead
 * of its text (issue 17 item 5). JSONB drops the quotes, colons and commas around each of an
 * invoice's thirty-odd fields: 545 bytes instead of 658 for the simulator's invoices, about a
 * sixth of a row. Rows are written with `jsonb(?)` and read with `json(data)`, which gives back
 * the text JSON.stringify wrote, byte for byte (keys in order, numbers and escapes as written;
 * jsonb-data.test.ts), so a page read from WHMCS again still compares equal to the stored row.
 * `json_extract` reads JSONB without parsing it again. A row still holding text reads the same
 * through `json()`.
 *
 * Rewritten in place: the rows shrink but the file does not (SQLite keeps freed pages for later
 * writes); a `VACUUM INTO` copy is compact (deploy.md).
 */
export const jsonbDataMigration: Migration = {
  version: 17,
  name: "invoices' JSON as JSONB",
  up(db) {
    db.exec("UPDATE invoices SET data = jsonb(data) WHERE typeof(data) = 'text'");
  },
};
