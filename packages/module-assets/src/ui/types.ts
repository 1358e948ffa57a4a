import type { components, paths } from './bridge-api.gen.ts';

/*
 * The bridge's shapes as the UI uses them: generated from the bridge's OpenAPI document
 * (bridge-api.gen.ts), so the UI is typed against the API without importing the bridge. Shapes of
 * endpoints the bridge does not serve yet are in pending-api.ts until they land.
 */

type Schemas = components['schemas'];
export type Source = Schemas['Source'];
export type SourceList = Schemas['SourceList'];
export type SourceResponse = Schemas['SourceResponse'];
export type SyncRun = Schemas['SyncRun'];
export type SyncStatus = Schemas['SyncStatus'];
export type SyncAccepted = Schemas['SyncAccepted'];
export type SyncProgress = Schemas['SyncProgress'];
export type CheckResult = Schemas['CheckResult'];
export type CheckStage = Schemas['CheckStage'];
export type CheckReport = Schemas['CheckReport'];
export type SourceSettings = Schemas['SourceSettings'];
export type ManagedSourceAnswer = Schemas['ManagedSourceAnswer'];
/** What deleting a managed source answers. */
export interface SourceDeleted {
  data: { id: string; invoices: 'archive' | 'remove'; count: number };
}
export type Invoice = Schemas['Invoice'];
export type InvoiceList = Schemas['InvoiceList'];
export type Revenue = Schemas['Revenue'];
export type RevenueRow = Schemas['RevenueRow'];
export type RevenueFigures = Schemas['RevenueFigures'];
export type Receivables = Schemas['Receivables'];
export type ReceivablesRow = Receivables['data'][number];
export type Forecast = Schemas['Forecast'];
export type ForecastPoint = Forecast['monthly'][number];

/** An error answer: the bridge's envelope, or the module proxy's (which adds `fix`). */
export interface ApiErrorBody {
  code: string;
  message: string;
  fix?: string[];
  details?: unknown;
  requestId?: string | null;
}

/** The bridge's /openapi.json, as far as the UI reads it: which paths this bridge serves. */
export interface ApiInfo {
  info: { version: string };
  paths: Record<string, unknown>;
}

type Ok<P extends keyof paths> = paths[P] extends {
  get: { responses: { 200: { content: { 'application/json': infer T } } } };
}
  ? T
  : never;
export type Commitment = Schemas['Commitment'];
export type Counterparty = Schemas['Counterparty'];
export type CostEntry = Schemas['CostEntry'];
export type CommitmentList = Ok<'/v1/commitments'>;
export type CounterpartyList = Ok<'/v1/counterparties'>;
export type CostEntryList = Ok<'/v1/cost-entries'>;
export type Costs = Schemas['Costs'];
export type CostRow = Schemas['CostRow'];
export type CommitmentsForecast = Schemas['CommitmentsForecast'];
export type CommitmentForecast = Schemas['CommitmentForecast'];
export type NetForecast = Schemas['NetForecast'];
export type NetForecastRow = NetForecast['data'][number];
export type Alerts = Schemas['Alerts'];
export type Alert = Schemas['Alert'];
export type AlertSettings = Schemas['AlertSettings'];
export type AlertSettingsAnswer = Schemas['AlertSettingsAnswer'];
export type Calendar = Schemas['Calendar'];
export type CalendarEvent = Schemas['CalendarEvent'];
/** A ledger record as every write answers it. */
export interface Written<T> {
  data: T;
}
export type Attachment = Schemas['Attachment'];
/** The attachments of a commitment or a cost entry (and what an upload answers). */
export interface AttachmentList {
  data: Attachment[];
}
type Posted<P extends keyof paths, S extends number> = paths[P] extends {
  post: { responses: { [K in S]: { content: { 'application/json': infer T } } } };
}
  ? T
  : never;
/** A CSV import's dry run: every row it would create and every error with its line. */
export type CsvDryRun = Posted<'/v1/commitments/csv', 200>;
/** A CSV import that created its rows. */
export type CsvCreated = Posted<'/v1/commitments/csv', 201>;
