import type { World } from './world/generate-world.ts';

/** The WHMCS major version whose API quirks the simulator reproduces. */
export type WhmcsVersion = 5 | 7 | 8;

export type InvoiceStatus =
  | 'Draft'
  | 'Unpaid'
  | 'Paid'
  | 'Cancelled'
  | 'Refunded'
  | 'Collections'
  | 'Payment Pending';

export interface CurrencyOption {
  code: string;
  prefix: string;
  suffix: string;
}

/** A row of tblcurrencies. */
export interface SimCurrency extends CurrencyOption {
  id: number;
}

export interface SimCredential {
  identifier: string;
  secret: string;
  /** Username of the admin user the credential belongs to; a disabled admin disables it. */
  admin?: string;
  /** Allowed API actions, any case, e.g. `['GetInvoices']`, or `['*']` for every action. */
  actions: string[];
}

export interface SimAdmin {
  username: string;
  /** Plain text; the legacy login sends its MD5 hex. */
  password: string;
  disabled?: boolean;
}

export interface BanOptions {
  /** Authentication failures from one IP that trigger a ban (default 3). */
  threshold?: number;
  /** Window in which failures are counted (default 30). */
  windowMinutes?: number;
  /** "Failed Admin Login Ban Time" (default 15). */
  banMinutes?: number;
}

/**
 * WHMCS's time on a call, as the simulator spends it: its own work on the call (reading the
 * request, answering, encoding) counts toward it and is slept less, so that a call takes what
 * the model says, not the model plus the simulator's own time.
 */
export interface LatencyOptions {
  /** On every api.php call (WHMCS bootstraps on each one), before it answers. */
  perCallMs?: number;
  /** Per row a GetInvoices page returns. */
  perRowMs?: number;
  /** Per row a GetInvoices call skips with `limitstart` (MySQL scans the offset). */
  perSkippedRowMs?: number;
}

export interface SimulatorOptions {
  /** PRNG seed (default 1): the same seed and options give byte-identical data on the same local day. */
  seed?: number;
  /** Number of clients (default 50). */
  clients?: number;
  /** Number of invoices, orphans included (default 500). */
  invoices?: number;
  /** Currencies, the first being the default (default USD, EUR, GBP). */
  currencies?: CurrencyOption[];
  /** How many of the invoices belong to clients that no longer exist (default 0). */
  orphans?: number;
  /** WHMCS version profile (default 8). */
  version?: WhmcsVersion;
  /** The WHMCS server's IANA zone (default 'UTC'); datetimes are local to it. */
  timeZone?: string;
  /** Clock (default `() => new Date()`): today for Overdue, updated_at on mutations, bans. */
  now?: () => Date;
  /**
   * How the simulator waits for its latency and `slow` faults (default: a timer that ends early
   * when the request is aborted). Tests pass one that records the delays instead of sleeping.
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** API credentials (default {@link DEFAULT_CREDENTIAL}). */
  credentials?: SimCredential[];
  /** Admin users for the legacy login (default {@link DEFAULT_ADMIN}). */
  admins?: SimAdmin[];
  /** `$api_access_key` from configuration.php; undefined means not configured. */
  accessKey?: string;
  /** API IP Access Restriction, exact addresses (default ['127.0.0.1', '::1']). */
  allowlist?: string[];
  /** The caller IP for in-process requests (default '127.0.0.1'). */
  clientIp?: string;
  ban?: BanOptions;
  latency?: LatencyOptions;
  /** Subdirectory WHMCS is installed in, e.g. '/billing' (default none). */
  pathPrefix?: string;
  /**
   * Serve a generated world instead of seed data, as of `now()` (invoices not yet created are absent;
   * statuses, dates and totals are those at that instant). The world sets currencies, version
   * (its field set), time zone, seed and sizes; `clients`, `invoices` and `orphans` are ignored.
   */
  world?: World;
}

export interface ResolvedSimulatorOptions {
  seed: number;
  clients: number;
  invoices: number;
  currencies: SimCurrency[];
  orphans: number;
  version: WhmcsVersion;
  timeZone: string;
  now: () => Date;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  credentials: SimCredential[];
  admins: SimAdmin[];
  accessKey: string | undefined;
  allowlist: string[];
  clientIp: string;
  ban: Required<BanOptions>;
  latency: Required<LatencyOptions>;
  /** Normalized: '' or '/billing' (leading slash, no trailing slash). */
  pathPrefix: string;
}

/** A row of tblclients (the columns the API joins), text HTML-entity encoded as WHMCS stores it. */
export interface SimClient {
  id: number;
  firstname: string;
  lastname: string;
  companyname: string;
  email: string;
  country: string;
  /** tblcurrencies.id */
  currency: number;
  /** The client's preferred gateway. */
  defaultgateway: string;
}

/**
 * A row of tblinvoices as WHMCS stores it: money as decimal strings, dates as `YYYY-MM-DD` (or null),
 * datetimes as `YYYY-MM-DD HH:MM:SS` (or the zero datetime), text HTML-entity encoded.
 * A snapshot: mutate through the simulator, not the object.
 */
export interface SimInvoice {
  id: number;
  userid: number;
  invoicenum: string;
  date: string | null;
  duedate: string | null;
  datepaid: string;
  last_capture_attempt: string;
  date_refunded: string;
  date_cancelled: string;
  subtotal: string;
  credit: string;
  tax: string;
  tax2: string;
  total: string;
  taxrate: string;
  taxrate2: string;
  status: InvoiceStatus;
  paymentmethod: string;
  paymethodid: number | null;
  notes: string;
  created_at: string;
  updated_at: string;
}

/** A row of tblinvoiceitems as GetInvoice answers it. */
export interface SimInvoiceItem {
  id: number;
  type: string;
  relid: number;
  description: string;
  amount: string;
  taxed: number;
}

/** A row of tblaccounts (transactions) as GetInvoice answers it. */
export interface SimTransaction {
  id: number;
  userid: number;
  currency: number;
  gateway: string;
  date: string;
  description: string;
  amountin: string;
  fees: string;
  amountout: string;
  rate: string;
  transid: string;
  invoiceid: number;
  refundid: number;
}

export type FaultKind =
  | 'html500'
  | 'html502'
  | 'html504'
  | 'waf403'
  | 'hang'
  | 'truncated'
  | 'invalid-utf8'
  | 'reset'
  | 'slow';

export interface FaultRequest {
  /** Lower-cased action, or null when none was sent. */
  action: string | null;
  params: Record<string, string>;
  /** How many requests the simulator had received before this one. */
  index: number;
}

export interface FaultRule {
  kind: FaultKind;
  /** For 'slow': how long to wait before the real answer (default 1000). */
  delayMs?: number;
  /** How many requests the rule hits before it retires (default: forever). */
  times?: number;
  /** Which requests it hits (default: every api.php request). */
  match?: (request: FaultRequest) => boolean;
}

export interface RequestLogEntry {
  at: Date;
  ip: string;
  method: string;
  action: string | null;
  /** Query and form parameters; `secret`, `password` and `accesskey` replaced by '***'. */
  params: Record<string, string>;
  /** HTTP status answered; 0 while pending or when no answer was sent (hang, reset). */
  status: number;
  /** The WHMCS error message, when the answer was an error. */
  error?: string;
  /** Rows returned by GetInvoices. */
  rows?: number;
  /** The fault injected, if any. */
  fault?: FaultKind;
}

export interface FaultControls {
  add(rule: FaultRule): void;
  clear(): void;
}

export interface WhmcsSimulator {
  /** Answers a request in-process; `ctx.clientIp` overrides the caller IP. */
  fetch(request: Request, ctx?: { clientIp?: string }): Promise<Response>;
  readonly options: ResolvedSimulatorOptions;
  readonly clients: ReadonlyMap<number, SimClient>;
  readonly currencies: ReadonlyArray<SimCurrency>;
  invoice(id: number): SimInvoice | undefined;
  /** Every invoice, orphans included, by id. */
  invoices(): Iterable<SimInvoice>;
  /** What GetInvoices can return: invoices whose client exists, by id. */
  visibleInvoices(): Iterable<SimInvoice>;
  /** The exact object GetInvoices puts in `invoices.invoice[]` for this version profile. */
  toWire(invoice: SimInvoice): Record<string, unknown>;
  /** Line items GetInvoice answers for the invoice (summing to its subtotal). */
  items(id: number): SimInvoiceItem[];
  addInvoice(init?: Partial<Omit<SimInvoice, 'id'>>): SimInvoice;
  payInvoice(id: number, at?: Date): SimInvoice;
  refundInvoice(id: number, at?: Date): SimInvoice;
  cancelInvoice(id: number, at?: Date): SimInvoice;
  updateInvoice(id: number, patch: Partial<Omit<SimInvoice, 'id'>>): SimInvoice;
  deleteInvoice(id: number): void;
  deleteClient(id: number): void;
  addCredential(credential: SimCredential): void;
  removeCredential(identifier: string): void;
  setAccessKey(key: string | undefined): void;
  setAllowlist(ips: string[]): void;
  unban(ip: string): void;
  /** IPs banned right now (by the simulator's clock). */
  banned(): string[];
  readonly faults: FaultControls;
  readonly requests: ReadonlyArray<RequestLogEntry>;
  clearRequests(): void;
}
