import { normalizeInvoice, type WireInvoice } from '@forecaster/whmcs-client';
import { type BridgeConfig, type SourceConfig, sha256 } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import { createMetrics, type Metrics } from '../../metrics.ts';
import type { ManagedSources } from '../../sources/managed-sources.ts';
import { openSqliteStore } from '../../store/index.ts';
import type { FetchedInvoice, SourceStateName, Store, SyncMode } from '../../store/types.ts';
import type { SyncController, SyncProgress, TriggerOptions, TriggerResult } from '../../sync/types.ts';
import { createApp } from '../app.ts';

/*
 * The API's test harness: the real SQLite store in memory, real metrics and logger (its lines
 * captured), and a scripted SyncController. Only the API's tests use it.
 */

export const TOKEN = 'fc_test_token_alpha_4f1c9e2b7d';
export const SECOND_TOKEN = 'fc_test_token_beta_8a3d6c0e51';
export const NOW = new Date('2024-06-15T12:00:00.000Z');
/** Tokens with scopes (the two above have none: the rights tokens had before scopes). */
export const READ_TOKEN = 'fc_test_token_read_only_0123456789abcdef';
export const WRITE_TOKEN = 'fc_test_token_commitments_0123456789abcd';
export const ADMIN_TOKEN = 'fc_test_token_sources_admin_0123456789ab';
export const ALL_TOKEN = 'fc_test_token_every_scope_0123456789abcd';

export function sourceConfig(id: string, overrides: Partial<SourceConfig> = {}): SourceConfig {
  return {
    id,
    name: `WHMCS ${id.toUpperCase()}`,
    url: `https://${id}.whmcs.test/`,
    credentials: { identifier: `ident-${id}`, secret: `secret-${id}` },
    timeZone: 'UTC',
    pageSize: 250,
    concurrency: 2,
    timeoutMs: 30_000,
    sync: { incrementalEvery: 300_000, fullEvery: 86_400_000 },
    tls: {},
    allowInsecureHttp: false,
    ...overrides,
  };
}

export function testConfig(overrides: Partial<BridgeConfig> = {}): BridgeConfig {
  return {
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: '/tmp/forecaster-bridge-test',
    tokens: [
      { name: 'forecaster', sha256: sha256(TOKEN) },
      { name: 'backup', sha256: sha256(SECOND_TOKEN) },
      { name: 'reader', sha256: sha256(READ_TOKEN), scopes: ['read'] },
      { name: 'writer', sha256: sha256(WRITE_TOKEN), scopes: ['commitments:write'] },
      { name: 'admin', sha256: sha256(ADMIN_TOKEN), scopes: ['sources:admin'] },
      { name: 'operator', sha256: sha256(ALL_TOKEN), scopes: ['read', 'commitments:write', 'sources:admin'] },
    ],
    cors: { origins: [] },
    rateLimit: { requestsPerMinute: 10_000 },
    log: { level: 'info', format: 'json' },
    docsBaseUrl: 'https://docs.example.test',
    sources: [sourceConfig('eu'), sourceConfig('us')],
    origin: null,
    secrets: [TOKEN, SECOND_TOKEN, READ_TOKEN, WRITE_TOKEN, ADMIN_TOKEN, ALL_TOKEN],
    warnings: [],
    ...overrides,
  };
}

/** A SyncController whose answers each test sets. */
export class FakeSync implements SyncController {
  readonly triggered: Array<{ sourceId: string; mode: SyncMode; force?: boolean }> = [];
  nextTrigger: TriggerResult | undefined;
  readonly running = new Map<string, SyncProgress>();
  readonly states = new Map<string, SourceStateName>();
  #runs = 0;

  async trigger(sourceId: string, mode: SyncMode, options: TriggerOptions = {}): Promise<TriggerResult> {
    this.triggered.push({ sourceId, mode, ...(options.force ? { force: true } : {}) });
    if (this.nextTrigger) return this.nextTrigger;
    return { accepted: true, runId: `run-${++this.#runs}`, mode };
  }

  progress(sourceId: string): SyncProgress | undefined {
    return this.running.get(sourceId);
  }

  async state(sourceId: string): Promise<SourceStateName> {
    if (this.running.has(sourceId)) return 'syncing';
    return this.states.get(sourceId) ?? 'never_synced';
  }
}

/** A WHMCS 8 row (every value a string), normalized by the client's real code. */
export function wireInvoice(source: string, id: number, fields: Partial<WireInvoice> = {}): FetchedInvoice {
  const raw: WireInvoice = {
    id: String(id),
    userid: '7',
    firstname: 'Ada',
    lastname: 'Lovelace',
    companyname: 'Analytical Engines Ltd',
    invoicenum: `INV-${id}`,
    date: '2024-03-01',
    duedate: '2024-03-15',
    datepaid: '0000-00-00 00:00:00',
    last_capture_attempt: '0000-00-00 00:00:00',
    date_refunded: '0000-00-00 00:00:00',
    date_cancelled: '0000-00-00 00:00:00',
    subtotal: '100.00',
    credit: '0.00',
    tax: '0.00',
    tax2: '0.00',
    total: '100.00',
    taxrate: '0.00',
    taxrate2: '0.00',
    status: 'Unpaid',
    paymentmethod: 'banktransfer',
    paymethodid: null,
    notes: '',
    created_at: '2024-03-01 09:00:00',
    updated_at: '2024-03-01 09:00:00',
    currencycode: 'EUR',
    currencyprefix: '€',
    currencysuffix: ' EUR',
    ...fields,
  };
  return { invoice: normalizeInvoice(raw, { source, timeZone: 'UTC' }), raw };
}

export interface Harness {
  app: ReturnType<typeof createApp>;
  store: Store;
  sync: FakeSync;
  metrics: Metrics;
  config: BridgeConfig;
  /** JSON log lines written so far. */
  logs: string[];
  /** A request with the first token (unless `headers` says otherwise). */
  get(path: string, init?: RequestInit): Promise<Response>;
  /** Stores invoices for a source (registering it). */
  put(source: string, rows: FetchedInvoice[]): Promise<void>;
  close(): Promise<void>;
}

export async function createHarness(
  options: {
    config?: Partial<BridgeConfig>;
    store?: (store: Store) => Store;
    clock?: () => Date;
    /** A database file (a restart opens the same one); in memory by default. */
    path?: string;
    /** Sources managed through the API, with their dependencies (config.managedSources set). */
    managedSources?: (deps: { config: BridgeConfig; store: Store }) => ManagedSources;
  } = {},
): Promise<Harness> {
  const config = testConfig(options.config);
  const real = openSqliteStore({ path: options.path ?? ':memory:', clock: () => NOW });
  const store = options.store ? options.store(real) : real;
  for (const source of config.sources) await real.upsertSource({ id: source.id, name: source.name });
  const sync = new FakeSync();
  const metrics = createMetrics({ processMetrics: false });
  const logs: string[] = [];
  const logger = createLogger({
    format: 'json',
    secrets: config.secrets,
    destination: { write: (line: string) => logs.push(line) } as unknown as NodeJS.WritableStream,
  });
  const app = createApp({
    config,
    store,
    sync,
    logger,
    metrics,
    clock: options.clock ?? (() => NOW),
    version: '9.9.9',
    ...(options.managedSources ? { managedSources: options.managedSources({ config, store }) } : {}),
  });
  return {
    app,
    store: real,
    sync,
    metrics,
    config,
    logs,
    get: (path, init = {}) =>
      Promise.resolve(
        app.request(path, {
          ...init,
          headers: {
            Authorization: `Bearer ${TOKEN}`,
            ...(init.headers as Record<string, string> | undefined),
          },
        }),
      ),
    put: async (source, rows) => {
      await real.upsertSource({ id: source, name: source });
      await real.applyPage(source, rows, null);
    },
    close: () => real.close(),
  };
}

/** The error envelope of a response (asserting that it is one). */
export async function errorOf(res: Response): Promise<{
  code: string;
  message: string;
  details: unknown;
  requestId: string;
}> {
  const body = (await res.json()) as {
    error: { code: string; message: string; details: unknown; requestId: string };
  };
  if (!body.error) throw new Error(`not an error envelope: ${JSON.stringify(body)}`);
  return body.error;
}
