export { type StateAt, stateAt } from './as-of.ts';
export { BASE_CAVEATS, CAVEATS, type Caveat } from './caveats.ts';
export { addMonths, dateOf, dayOf, monthLabel, monthOf, monthOfDay } from './dates.ts';
export {
  type FiguresOptions,
  FLOW_DEFINITIONS,
  FLOW_MEASURES,
  type FlowMeasure,
  type FlowRow,
  flowsOf,
  revenueFigures,
  revenueFiguresSteps,
  type UndatedRow,
} from './figures.ts';
export {
  type Forecast,
  type ForecastOptions,
  type ForecastPeriod,
  forecastCash,
  forecastCashSteps,
} from './forecast.ts';
export {
  counted,
  type DataQuality,
  dataQuality,
  dataQualitySteps,
  grossOf,
  type LedgerInvoice,
  toLedger,
} from './ledger.ts';
export {
  ClientRows,
  type ExactColumns,
  LEDGER_COLUMN_NAMES,
  LedgerColumns,
  ledgerColumnsOf,
  NO_DAY,
  STATUSES,
} from './ledger-columns.ts';
export {
  type BacktestOptions,
  backtest,
  backtestSteps,
  type GroupBacktest,
  originsBefore,
} from './model/backtest.ts';
export { BENCHMARKS, type Benchmark } from './model/benchmarks.ts';
export { WARM_UP_ORIGINS } from './model/interval-calibration.ts';
export { DEFAULT_PARAMS, METHOD_NAME, METHOD_VERSION, type ModelParams } from './model/params.ts';
export { type GroupRun, type PeriodSeries, type RunOptions, runForecast } from './model/run.ts';
export { type SeenInvoice, snapshotAt } from './model/snapshot.ts';
export { formatEstimate } from './money.ts';
export {
  BEHAVIOUR_DEFINITIONS,
  type BehaviourOptions,
  type BehaviourRow,
  paymentBehaviour,
  paymentBehaviourSteps,
} from './payment-behaviour.ts';
export { CashByDay } from './payments.ts';
export {
  convertUnits,
  createConverter,
  crossRate,
  parseRates,
  type RateSet,
  type RateUsed,
} from './rates.ts';
export {
  AGE_BUCKETS,
  type AgeBucket,
  bucketOf,
  RECEIVABLES_DEFINITIONS,
  type ReceivablesOptions,
  type ReceivablesRow,
  receivables,
  receivablesSteps,
} from './receivables.ts';
export {
  backtestGroupSchema,
  behaviourRowSchema,
  caveatSchema,
  dataQualitySchema,
  flowRowSchema,
  forecastComparisonSchema,
  forecastMethodSchema,
  forecastPeriodSchema,
  forecastSchema,
  rateUsedSchema,
  receivablesRowSchema,
  trackRecordSchema,
  undatedRowSchema,
} from './schemas.ts';
export { drain, type Steps } from './steps.ts';
export {
  compareForecasts,
  compareForecastsSteps,
  type ForecastComparison,
  type TrackRecord,
  trackRecord,
} from './track-record.ts';
