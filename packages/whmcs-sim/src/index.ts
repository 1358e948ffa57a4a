export { DEFAULT_ADMIN, DEFAULT_CREDENTIAL } from './options.ts';
export type { ServedSimulator, ServeOptions } from './serve.ts';
export { serveWhmcsSimulator } from './serve.ts';
export { createWhmcsSimulator } from './simulator.ts';
export type {
  BanOptions,
  CurrencyOption,
  FaultControls,
  FaultKind,
  FaultRequest,
  FaultRule,
  InvoiceStatus,
  LatencyOptions,
  RequestLogEntry,
  ResolvedSimulatorOptions,
  SimAdmin,
  SimClient,
  SimCredential,
  SimCurrency,
  SimInvoice,
  SimInvoiceItem,
  SimTransaction,
  SimulatorOptions,
  WhmcsSimulator,
  WhmcsVersion,
} from './types.ts';
export type { World, WorldSnapshot } from './world/generate-world.ts';
export { FIELDS_8X_ONLY, generateWorld } from './world/generate-world.ts';
export { WorldClock } from './world/world-clock.ts';
export type { InvoiceKind } from './world/world-columns.ts';
export { INVOICE_KINDS } from './world/world-columns.ts';
export type {
  Cycle,
  PayerType,
  WorldOptions,
  WorldOptionsInput,
  WorldPresetName,
} from './world/world-options.ts';
export {
  CYCLE_MONTHS,
  CYCLES,
  loadWorldOptions,
  PAYER_TYPES,
  resolveWorldOptions,
  WORLD_PRESET_NAMES,
  WORLD_PRESETS,
  worldOptionsSchema,
} from './world/world-options.ts';
export type { RatePath } from './world/world-rates.ts';
export { rateOn } from './world/world-rates.ts';
export type { DelayQuantiles, WorldInvoiceTruth, WorldSeriesTruth, WorldTruth } from './world/world-truth.ts';
