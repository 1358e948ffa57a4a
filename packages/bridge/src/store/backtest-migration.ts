import type { Migration } from './migrations.ts';

/**
 * Migration 10: the last backtest of each set of sources, kept so that the choice it made (the
 * method, or a benchmark that beat it) is still served after a restart. One row per set of
 * sources, replaced by each new backtest; `version` is the method version it judged (a choice
 * about another version of the method is not applied).
 */
export const backtestMigration: Migration = {
  version: 10,
  name: 'kept backtests',
  up(db) {
    db.exec(`
      CREATE TABLE forecast_backtests (
        sources     TEXT PRIMARY KEY, -- the source ids, sorted, comma-separated
        computed_at TEXT NOT NULL,    -- ISO, UTC
        data_as_of  TEXT NOT NULL,    -- YYYY-MM-DD
        origins     INTEGER NOT NULL CHECK (origins >= 1),
        version     TEXT NOT NULL,
        groups      TEXT NOT NULL CHECK (json_valid(groups))
      ) WITHOUT ROWID;
    `);
  },
};
