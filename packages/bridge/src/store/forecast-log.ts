import { forecastBodySchema, parseRecord } from './record-schemas.ts';
/** One issued forecast as kept (its periods as served). */
export interface IssuedForecast {
  id: number;
  issuedAt: string;
  asOf: string;
  dataAsOf: string;
  /** Source ids, sorted. */
  sources: string[];
  method: string;
  version: string;
  body: Record<string, unknown>;
}

export type IssuedForecastInput = Omit<IssuedForecast, 'id' | 'issuedAt'>;

/** The last backtest of a set of sources, as kept (its groups as the backtest answered them). */
export interface KeptBacktest {
  /** Source ids, sorted. */
  sources: string[];
  computedAt: string;
  /** YYYY-MM-DD. */
  dataAsOf: string;
  origins: number;
  /** The method version the backtest judged. */
  version: string;
  groups: unknown[];
}

/** Where issued forecasts are kept (the store implements it). */
export interface ForecastLog {
  /** Keeps a forecast unless one is on record for its origin day, sources and version; returns the one on record. */
  issueForecast(entry: IssuedForecastInput): Promise<{ forecast: IssuedForecast; created: boolean }>;
  /** The issued forecasts of exactly these sources, newest first. */
  listIssuedForecasts(sources: string[], limit: number): Promise<IssuedForecast[]>;
  getIssuedForecast(id: number): Promise<IssuedForecast | undefined>;
  /** Keeps a backtest in place of the last one of the same sources. */
  keepBacktest(entry: Omit<KeptBacktest, 'computedAt'>): Promise<KeptBacktest>;
  /** The last backtest kept for exactly these sources. */
  keptBacktest(sources: string[]): Promise<KeptBacktest | undefined>;
}

/** An `issued_forecasts` row, as both engines keep it. */
export interface IssuedForecastRow {
  id: number;
  issued_at: string;
  as_of: string;
  data_as_of: string;
  sources: string;
  method: string;
  version: string;
  body: string;
}

export const toForecast = (r: IssuedForecastRow): IssuedForecast => ({
  id: r.id,
  issuedAt: r.issued_at,
  asOf: r.as_of,
  dataAsOf: r.data_as_of,
  sources: r.sources === '' ? [] : r.sources.split(','),
  method: r.method,
  version: r.version,
  body: parseRecord(forecastBodySchema, r.body),
});

/** A `forecast_backtests` row, as both engines keep it. */
export interface BacktestRow {
  sources: string;
  computed_at: string;
  data_as_of: string;
  origins: number;
  version: string;
  groups: string;
}

export const toBacktest = (row: BacktestRow): KeptBacktest => ({
  sources: row.sources === '' ? [] : row.sources.split(','),
  computedAt: row.computed_at,
  dataAsOf: row.data_as_of,
  origins: row.origins,
  version: row.version,
  groups: JSON.parse(row.groups) as unknown[],
});
