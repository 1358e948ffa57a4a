/*
 * Shapes of endpoints the bridge is getting (the forecast helper's contract in notes/contracts.md,
 * "forecast -> module"), written from that contract until the bridge's OpenAPI document has
 * them; then they move to the generated types. The UI only calls them when the bridge's
 * /openapi.json lists their path, so nothing here is ever shown without a real answer.
 */

export interface Caveat {
  code: string;
  message: string;
}

export interface ForecastPoint {
  source: string;
  currency: string;
  period: string;
  expected: string;
  p10: string;
  p90: string;
  contractual?: string;
}

export interface Forecast {
  asOf: string;
  dataAsOf?: string;
  method?: { name: string; version?: string; served?: boolean; reason?: string };
  monthly: ForecastPoint[];
  caveats?: Caveat[];
}

/** The endpoints a page needs, and the work they come with. */
export const PENDING_ENDPOINTS = {
  receivables: {
    path: '/v1/receivables',
    arrivesWith: 'Receivables, payment behaviour and a revenue forecast with honest backtests',
  },
  forecast: {
    path: '/v1/forecast',
    arrivesWith: 'Receivables, payment behaviour and a revenue forecast with honest backtests',
  },
  commitments: {
    path: '/v1/commitments',
    arrivesWith: 'Commitments, managed connections and the write side of the API',
  },
} as const;
