/*
 * The method's tunable parameters, with the values chosen on the training half of the seeded
 * worlds (see BENCHMARKS.md). Changing one changes `METHOD_VERSION`.
 */

export interface ModelParams {
  /** History the delay model learns from (days of due dates before the origin). */
  trainingDays: number;
  /** Months of first invoices (new business) whose mean forecasts future new business. */
  otherWindowMonths: number;
  /** Bound on the monthly growth of new business carried forward (a ratio, both ways). */
  maxMonthlyGrowth: number;
  /** Pseudo-members pulling a thin renewal rate toward its cycle's pooled rate. */
  renewalPrior: number;
  /** Puts the seasonality of the last two years back into new business. */
  seasonalOther: boolean;
  /** Simulation draws for the intervals. */
  draws: number;
  /** Widens (>1) or narrows the simulated spread: calibrated on the training worlds. */
  intervalScale: number;
  /**
   * The quantile of the widenings past bands needed that widens the bands served
   * (interval-calibration.ts). Nominally 0.8 for an 80 % band, but the conformal rank rounds up
   * and young horizons borrow the pooled (wider) record: on the training worlds 0.8 covered a
   * median 87 %, 0.75 83 %, 0.7 82 % (bench, 12 worlds at 1,000 clients).
   */
  intervalLevel: number;
}

export const DEFAULT_PARAMS: ModelParams = {
  trainingDays: 730,
  otherWindowMonths: 12,
  maxMonthlyGrowth: 0.03,
  renewalPrior: 4,
  seasonalOther: true,
  draws: 500,
  intervalScale: 1,
  intervalLevel: 0.7,
};

export const METHOD_NAME = 'invoice-hazard-renewals';
export const METHOD_VERSION = '1.2.0';
