import type pg from 'pg';
import {
  type BacktestRow,
  type ForecastLog,
  type IssuedForecastRow,
  toBacktest,
  toForecast,
} from '../forecast-log.ts';

/**
 * The {@link ForecastLog} on PostgreSQL: one forecast per origin day, sources and version for
 * every bridge on the database (the unique key decides which of two racing bridges wins).
 */
export function createPostgresForecastLog(pool: pg.Pool, clock: () => Date): ForecastLog {
  return {
    async issueForecast(entry) {
      const sources = [...entry.sources].sort().join(',');
      const inserted = await pool.query<IssuedForecastRow>(
        `INSERT INTO issued_forecasts (issued_at, as_of, data_as_of, sources, method, version, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (as_of, sources, version) DO NOTHING RETURNING *`,
        [
          clock().toISOString(),
          entry.asOf,
          entry.dataAsOf,
          sources,
          entry.method,
          entry.version,
          JSON.stringify(entry.body),
        ],
      );
      if (inserted.rows[0]) return { forecast: toForecast(inserted.rows[0]), created: true };
      const { rows } = await pool.query<IssuedForecastRow>(
        'SELECT * FROM issued_forecasts WHERE as_of = $1 AND sources = $2 AND version = $3',
        [entry.asOf, sources, entry.version],
      );
      return { forecast: toForecast(rows[0]!), created: false };
    },
    async listIssuedForecasts(sources, limit) {
      const { rows } = await pool.query<IssuedForecastRow>(
        'SELECT * FROM issued_forecasts WHERE sources = $1 ORDER BY id DESC LIMIT $2',
        [[...sources].sort().join(','), limit],
      );
      return rows.map(toForecast);
    },
    async getIssuedForecast(id) {
      if (!Number.isSafeInteger(id)) return undefined;
      const { rows } = await pool.query<IssuedForecastRow>('SELECT * FROM issued_forecasts WHERE id = $1', [
        id,
      ]);
      return rows[0] ? toForecast(rows[0]) : undefined;
    },
    async keepBacktest(entry) {
      const computedAt = clock().toISOString();
      const sources = [...entry.sources].sort();
      await pool.query(
        `INSERT INTO forecast_backtests (sources, computed_at, data_as_of, origins, version, groups)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (sources) DO UPDATE SET computed_at = excluded.computed_at, data_as_of = excluded.data_as_of,
           origins = excluded.origins, version = excluded.version, groups = excluded.groups`,
        [
          sources.join(','),
          computedAt,
          entry.dataAsOf,
          entry.origins,
          entry.version,
          JSON.stringify(entry.groups),
        ],
      );
      return { ...entry, sources, computedAt };
    },
    async keptBacktest(sources) {
      const { rows } = await pool.query<BacktestRow>('SELECT * FROM forecast_backtests WHERE sources = $1', [
        [...sources].sort().join(','),
      ]);
      return rows[0] && toBacktest(rows[0]);
    },
  };
}
