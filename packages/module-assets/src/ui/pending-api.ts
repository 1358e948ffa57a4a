/*
 * Endpoints some pages need, and the work each arrives with. A page calls its endpoint only when
 * the bridge's /openapi.json lists the path, and otherwise says what is missing, so nothing is
 * ever shown without a real answer. Shapes come from the generated types (types.ts).
 */

export interface Caveat {
  code: string;
  message: string;
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
