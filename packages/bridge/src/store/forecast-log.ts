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

/** Where issued forecasts are kept (the store implements it). */
export interface ForecastLog {
  /** Keeps a forecast unless one is on record for its origin day, sources and version; returns the one on record. */
  issueForecast(entry: IssuedForecastInput): Promise<{ forecast: IssuedForecast; created: boolean }>;
  /** The issued forecasts of exactly these sources, newest first. */
  listIssuedForecasts(sources: string[], limit: number): Promise<IssuedForecast[]>;
  getIssuedForecast(id: number): Promise<IssuedForecast | undefined>;
}
