import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type {
  AlertSettingsAnswer,
  Alerts,
  ApiErrorBody,
  ApiInfo,
  Attachment,
  AttachmentList,
  Calendar,
  CheckResult,
  Commitment,
  CommitmentList,
  CommitmentsForecast,
  CostEntry,
  CostEntryList,
  Costs,
  Counterparty,
  CounterpartyList,
  CsvCreated,
  CsvDryRun,
  Forecast,
  InvoiceList,
  ManagedSourceAnswer,
  NetForecast,
  Receivables,
  Revenue,
  RevenueFigures,
  SourceDeleted,
  SourceList,
  SourceResponse,
  SourceSettings,
  SyncAccepted,
  SyncStatus,
  Written,
} from './types.ts';

/*
 * Calls the module's proxy (`addonmodules.php?module=…&action=api&op=…`), never the bridge: reads
 * as GET with their parameters in the query, actions and writes as a POST form carrying WHMCS's
 * CSRF token. Every answer comes back as a result, never a throw, so each page can say what went
 * wrong and what to do.
 */

/** What each operation answers; the operation names are those of the shared list. */
export interface OpResults {
  sources: SourceList;
  source: SourceResponse;
  sourceSettings: { data: SourceSettings };
  sourceCreate: ManagedSourceAnswer;
  sourceUpdate: ManagedSourceAnswer;
  sourceDelete: SourceDeleted;
  syncStatus: SyncStatus;
  syncStart: SyncAccepted;
  check: CheckResult;
  invoices: InvoiceList;
  revenue: Revenue;
  revenueFigures: RevenueFigures;
  receivables: Receivables;
  forecast: Forecast;
  commitments: CommitmentList;
  counterparties: CounterpartyList;
  costEntries: CostEntryList;
  costs: Costs;
  commitmentsForecast: CommitmentsForecast;
  netForecast: NetForecast;
  alerts: Alerts;
  calendar: Calendar;
  alertSettings: AlertSettingsAnswer;
  alertSettingsUpdate: AlertSettingsAnswer;
  apiInfo: ApiInfo;
  counterpartyCreate: Written<Counterparty>;
  counterpartyUpdate: Written<Counterparty>;
  counterpartyDelete: Written<Counterparty>;
  counterpartyRestore: Written<Counterparty>;
  commitmentCreate: Written<Commitment>;
  commitmentUpdate: Written<Commitment>;
  commitmentDelete: Written<Commitment>;
  commitmentRestore: Written<Commitment>;
  costEntryCreate: Written<CostEntry>;
  costEntryUpdate: Written<CostEntry>;
  costEntryDelete: Written<CostEntry>;
  costEntryRestore: Written<CostEntry>;
  commitmentAttachments: AttachmentList;
  costEntryAttachments: AttachmentList;
  commitmentAttachmentsUpload: AttachmentList;
  costEntryAttachmentsUpload: AttachmentList;
  attachmentDelete: Written<Attachment>;
  commitmentsImport: CsvDryRun | CsvCreated;
  costEntriesImport: CsvDryRun | CsvCreated;
}

/** Operations whose answer is a file (a download), read with `Api.download`. */
export type FileOp = 'attachmentDownload' | 'commitmentsCsv' | 'costEntriesCsv';
export type OpName = keyof OpResults;

/** Operations sent as a POST form with the CSRF token: every one not of kind `read` (a test compares). */
export const POSTED: ReadonlySet<OpName> = new Set<OpName>([
  'syncStart',
  'check',
  'alertSettingsUpdate',
  'sourceCreate',
  'sourceUpdate',
  'sourceDelete',
  'attachmentDelete',
  'commitmentAttachmentsUpload',
  'costEntryAttachmentsUpload',
  'commitmentsImport',
  'costEntriesImport',
  ...(['counterparty', 'commitment', 'costEntry'] as const).flatMap(
    (noun) =>
      [
        `${noun}Create`,
        `${noun}Update`,
        `${noun}Delete`,
        `${noun}Restore`,
      ] as const satisfies readonly OpName[],
  ),
]);

export type Result<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; error: ApiErrorBody };

export type Params = Record<string, string | number | boolean | undefined | null>;

/** A file the proxy answered: its bytes and the name the bridge gave it. */
export interface Download {
  blob: Blob;
  filename: string;
}

export interface Api {
  call<K extends OpName>(op: K, params?: Params, files?: readonly File[]): Promise<Result<OpResults[K]>>;
  /** A file operation: the file, or the error (which stays JSON). */
  download(op: FileOp, params?: Params): Promise<Result<Download>>;
}

const networkError = (err: unknown): Result<never> => ({
  ok: false,
  status: 0,
  error: {
    code: 'network',
    message: `WHMCS could not be reached (${(err as Error).message}).`,
    fix: ['Check your connection and reload the page.'],
  },
});

/** The name in a Content-Disposition (RFC 6266's filename* first), or `fallback`. */
export function dispositionName(header: string | null, fallback: string): string {
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(header ?? '')?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended);
    } catch {
      // Not percent-encoded as it should be: the plain name below.
    }
  }
  return /filename="([^"]*)"/i.exec(header ?? '')?.[1] || fallback;
}

export function createApi(endpoint: string, csrf: string): Api {
  const url = (query: URLSearchParams) => `${endpoint}${endpoint.includes('?') ? '&' : '?'}${query}`;
  const headers = { accept: 'application/json', 'x-requested-with': 'XMLHttpRequest' };
  return {
    async download(op, params = {}) {
      const query = new URLSearchParams({ action: 'api', op });
      for (const [key, value] of Object.entries(params)) {
        if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
      }
      let response: Response;
      try {
        response = await fetch(url(query), { credentials: 'same-origin', headers });
      } catch (err) {
        return networkError(err);
      }
      if (response.ok && !(response.headers.get('content-type') ?? '').startsWith('application/json')) {
        const filename = dispositionName(response.headers.get('content-disposition'), op);
        return { ok: true, status: response.status, data: { blob: await response.blob(), filename } };
      }
      return errorOf(response);
    },
    async call(op, params = {}, files = []) {
      const query = new URLSearchParams({ action: 'api', op });
      // An upload goes as multipart (the files as `file[]`), every other POST as a plain form.
      const form: URLSearchParams | FormData = files.length ? new FormData() : new URLSearchParams();
      const target = POSTED.has(op) ? form : query;
      for (const [key, value] of Object.entries(params)) {
        if (value !== undefined && value !== null && value !== '') target.set(key, String(value));
      }
      if (POSTED.has(op)) form.set('token', csrf);
      for (const file of files) (form as FormData).append('file[]', file, file.name);
      // The proxy compares it with what arrived (PHP drops files past its max_file_uploads).
      if (files.length) form.set('files', String(files.length));
      let response: Response;
      try {
        response = await fetch(url(query), {
          method: POSTED.has(op) ? 'POST' : 'GET',
          credentials: 'same-origin',
          headers,
          ...(POSTED.has(op) ? { body: form } : {}),
        });
      } catch (err) {
        return networkError(err);
      }
      if (response.ok) {
        const answer = await parsed(response);
        return 'error' in answer
          ? answer.error
          : { ok: true, status: response.status, data: answer.body as never };
      }
      return errorOf(response);
    },
  };
}

/** The answer's JSON, or the failed result that says it was not JSON. */
async function parsed(response: Response): Promise<{ body: unknown } | { error: Result<never> }> {
  const text = await response.text();
  try {
    return { body: JSON.parse(text) };
  } catch {
    return {
      error: {
        ok: false,
        status: response.status,
        error: {
          code: 'not_json',
          message: `WHMCS answered with a page instead of data (HTTP ${response.status}).`,
          fix: ['Your admin session may have expired: reload the page and log in again.'],
        },
      },
    };
  }
}

/** A refused call's error, from the proxy's or the bridge's envelope. */
async function errorOf(response: Response): Promise<Result<never>> {
  const answer = await parsed(response);
  if ('error' in answer) return answer.error;
  const error = (answer.body as { error?: ApiErrorBody }).error;
  return {
    ok: false,
    status: response.status,
    error: error ?? { code: 'http_error', message: `HTTP ${response.status}` },
  };
}

export type Loadable<T> =
  | { state: 'loading' }
  | { state: 'ok'; data: T }
  | { state: 'error'; error: ApiErrorBody; status: number };

/**
 * Runs an operation when the component mounts and whenever `key` changes; `reload()` runs it again.
 * An answer that arrives after a newer request started is dropped.
 */
export function useOp<K extends OpName>(
  api: Api,
  op: K,
  params: Params,
  enabled = true,
): [Loadable<OpResults[K]>, () => void] {
  const [value, setValue] = useState<Loadable<OpResults[K]>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  const shownKey = useRef<string | null>(null);
  const key = JSON.stringify(params);
  useEffect(() => {
    if (!enabled) return;
    const id = ++latest.current;
    // A reload of the same request keeps showing what is there until the new answer arrives, so
    // that what the user is doing on the page (a sync's result) is not wiped by a spinner.
    if (shownKey.current !== key) setValue({ state: 'loading' });
    shownKey.current = key;
    void api.call(op, params).then((result) => {
      if (id !== latest.current) return;
      setValue(
        result.ok
          ? { state: 'ok', data: result.data }
          : { state: 'error', error: result.error, status: result.status },
      );
    });
  }, [api, op, key, tick, enabled]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return [value, reload];
}
