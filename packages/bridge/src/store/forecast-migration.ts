import type { Migration } from './migrations.ts';

/**
 * Migration 7: issued forecasts, kept so that each can be scored when its actuals arrive and
 * two can be compared. An issued forecast is never changed: one per origin day, set of sources
 * and method version (the first answer of the day is the one on record).
 */
export const forecastMigration: Migration = {
  version: 7,
  name: 'issued forecasts',
  up(db) {
    db.exec(`
      CREATE TABLE issued_forecasts (
        id          INTEGER PRIMARY KEY,
        issued_at   TEXT NOT NULL,   -- ISO, UTC
        as_of       TEXT NOT NULL,   -- YYYY-MM-DD: the origin
        data_as_of  TEXT NOT NULL,
        sources     TEXT NOT NULL,   -- the source ids, sorted, comma-separated
        method      TEXT NOT NULL,
        version     TEXT NOT NULL,
        body        TEXT NOT NULL CHECK (json_valid(body)), -- {monthly, weekly, served}
        UNIQUE (as_of, sources, version)
      );
      CREATE INDEX issued_forecasts_sources ON issued_forecasts (sources, id);
    `);
  },
};
