export { DEFAULT_ADMIN, DEFAULT_CREDENTIAL } from './options.ts';
export { phpJsonEncode } from './php-json.ts';
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
