import type { Database as Db } from 'better-sqlite3';
import {
  type BacktestRow,
  type ForecastLog,
  type IssuedForecastRow,
  toBacktest,
  toForecast,
} from './forecast-log.ts';

/** The {@link ForecastLog} on SQLite (tables `issued_forecasts`, migration 7, and `forecast_backtests`, 10). */
export function createSqliteForecastLog(db: Db, clock: () => Date): ForecastLog {
  const insert = db.prepare<[string, string, string, string, string, string, string]>(
    `INSERT INTO issued_forecasts (issued_at, as_of, data_as_of, sources, method, version, body)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (as_of, sources, version) DO NOTHING`,
  );
  const byKey = db.prepare<[string, string, string], IssuedForecastRow>(
    'SELECT * FROM issued_forecasts WHERE as_of = ? AND sources = ? AND version = ?',
  );
  const list = db.prepare<[string, number], IssuedForecastRow>(
    'SELECT * FROM issued_forecasts WHERE sources = ? ORDER BY id DESC LIMIT ?',
  );
  const byId = db.prepare<[number], IssuedForecastRow>('SELECT * FROM issued_forecasts WHERE id = ?');
  const issue = db.transaction((entry: Parameters<ForecastLog['issueForecast']>[0]) => {
    const sources = [...entry.sources].sort().join(',');
    const { changes } = insert.run(
      clock().toISOString(),
      entry.asOf,
      entry.dataAsOf,
      sources,
      entry.method,
      entry.version,
      JSON.stringify(entry.body),
    );
    return {
      forecast: toForecast(byKey.get(entry.asOf, sources, entry.version) as IssuedForecastRow),
      created: changes > 0,
    };
  });
  const keep = db.prepare<[string, string, string, number, string, string]>(
    `INSERT INTO forecast_backtests (sources, computed_at, data_as_of, origins, version, groups)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (sources) DO UPDATE SET computed_at = excluded.computed_at, data_as_of = excluded.data_as_of,
       origins = excluded.origins, version = excluded.version, groups = excluded.groups`,
  );
  const kept = db.prepare<[string], BacktestRow>('SELECT * FROM forecast_backtests WHERE sources = ?');
  return {
    async keepBacktest(entry) {
      const computedAt = clock().toISOString();
      const sources = [...entry.sources].sort();
      keep.run(
        sources.join(','),
        computedAt,
        entry.dataAsOf,
        entry.origins,
        entry.version,
        JSON.stringify(entry.groups),
      );
      return { ...entry, sources, computedAt };
    },
    async keptBacktest(sources) {
      const row = kept.get([...sources].sort().join(','));
      return row && toBacktest(row);
    },
    async issueForecast(entry) {
      return issue.immediate(entry);
    },
    async listIssuedForecasts(sources, limit) {
      return list.all([...sources].sort().join(','), limit).map(toForecast);
    },
    async getIssuedForecast(id) {
      const row = byId.get(id);
      return row ? toForecast(row) : undefined;
    },
  };
}
