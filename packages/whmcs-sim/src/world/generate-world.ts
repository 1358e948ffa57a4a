import { InvoiceStore, STATUSES } from '../invoice-store.ts';
import { toLocalSeconds } from '../local-time.ts';
import type { InvoiceStatus, SimClient, SimCurrency, SimInvoice, WhmcsVersion } from '../types.ts';
import { invoiceToWire } from '../wire.ts';
import { countCreated, materializeAsOf } from './as-of.ts';
import { addMonths, DAY_SECONDS, dayOfText } from './calendar.ts';
import type { WorldColumns } from './world-columns.ts';
import { ColumnBuffer, WORLD_GATEWAYS } from './world-columns.ts';
import { acquisitions, ClientSimulator, type GeneratorContext } from './world-generator.ts';
import type { WorldOptions, WorldOptionsInput } from './world-options.ts';
import { resolveWorldOptions } from './world-options.ts';
import type { RatePath } from './world-rates.ts';
import { buildRatePaths, ratesCsv } from './world-rates.ts';
import { createWorldTruth, type WorldTruth } from './world-truth.ts';

/** Columns GetInvoices has on 8.3+ schemas only (FORECASTING.md section 0): absent from the 7.x field set. */
export const FIELDS_8X_ONLY = ['date_refunded', 'date_cancelled', 'created_at', 'updated_at'] as const;

/**
 * The invoices as of an instant, column by column (index = invoice id, 1..count; index 0 unused):
 * what GetInvoices would serve, without building a row object per invoice. Times are naive local
 * seconds (0 = not set), days are days since 1970-01-01, money is integer cents. With the 7.x field
 * set the 8.3+ columns (refunded, cancelled, created, updated) are all 0, as the bridge sees them.
 */
export interface WorldSnapshot {
  count: number;
  /** Status names, indexed by the `status` codes. */
  statuses: readonly InvoiceStatus[];
  status: Uint8Array;
  userid: Int32Array;
  /** Index into `world.currencies` of the client's currency. */
  currency: Uint8Array;
  issueDay: Int32Array;
  dueDay: Int32Array;
  paid: Uint32Array;
  refunded: Uint32Array;
  cancelled: Uint32Array;
  created: Uint32Array;
  updated: Uint32Array;
  subtotal: Int32Array;
  tax: Int32Array;
  tax2: Int32Array;
  credit: Int32Array;
  total: Int32Array;
}

/** A generated hosting business: its whole invoice history, served as of any instant. */
export interface World {
  /** The options with every default filled in. */
  readonly options: WorldOptions;
  /** First instant of the history and its end (exclusive), in the world's time zone. */
  readonly start: Date;
  readonly end: Date;
  /** Naive local seconds of start and end (how WHMCS stores datetimes). */
  readonly startSeconds: number;
  readonly endSeconds: number;
  /** Invoices over the whole history; ids 1..size in creation order. */
  readonly size: number;
  readonly clients: ReadonlyMap<number, SimClient>;
  readonly currencies: readonly SimCurrency[];
  /** The simulator profile this field set is served with (7.x: 7, else 8). */
  readonly version: WhmcsVersion;
  /** The raw columns, indexed by invoice id (index 0 unused). Times are naive local seconds; 0 = never. */
  readonly columns: Readonly<WorldColumns>;
  readonly truth: WorldTruth;
  /** Daily rates per currency, units per 1 base (first currency); swings included. */
  readonly rates: readonly RatePath[];
  /** Naive local seconds of an instant in the world's time zone. */
  localSeconds(at: Date): number;
  /** Invoices created at or before `at`. */
  countAsOf(at: Date): number;
  /** Rows as WHMCS stored them at `at` (the simulator's `SimInvoice` form), by id. */
  rowsAsOf(at: Date): SimInvoice[];
  /** The same as columns (fast: no object per invoice; a million invoices in well under a second). */
  snapshotAsOf(at: Date): WorldSnapshot;
  /** Exactly the GetInvoices rows (orderby=id, every page joined) a simulator with now() = at serves. */
  invoicesAsOf(at: Date): Record<string, unknown>[];
  /** The GetInvoices row of one stored invoice, for this world's field set. */
  toWire(invoice: SimInvoice): Record<string, unknown>;
  /** Writes the world as of naive second `t` into a simulator store; returns the next change's second. */
  materialize(store: InvoiceStore, t: number): number;
  /** ECB-style CSV of the daily rates (weekdays, newest first). */
  ratesCsv(): string;
}

/** Naive seconds of a local `YYYY-MM-DD[THH:MM[:SS]]`. */
function localTextSeconds(text: string): number {
  const [date, time = '00:00:00'] = text.split('T') as [string, string?];
  const [h = 0, m = 0, sec = 0] = time.split(':').map(Number);
  return dayOfText(date) * DAY_SECONDS + h * 3600 + m * 60 + sec;
}

function instantOfLocal(seconds: number, timeZone: string): Date {
  // Two passes settle the zone offset (one more near a DST change).
  let guess = seconds * 1000;
  for (let i = 0; i < 3; i++) {
    const offset = toLocalSeconds(new Date(guess), timeZone) - Math.floor(guess / 1000);
    guess = (seconds - offset) * 1000;
  }
  return new Date(guess);
}

/**
 * Generates a hosting business's invoice history from one options object: clients and their
 * services on WHMCS cycles, domains, renewals and churn, payments by payer type, refunds,
 * chargebacks, credit, add-funds and mass-pay invoices, several currencies.
 * @example
 * const world = generateWorld({ preset: 'growing', clients: 2000, seed: 7 });
 * const rows = world.invoicesAsOf(new Date('2024-01-01T00:00:00Z'));
 */
export function generateWorld(input: WorldOptionsInput = {}): World {
  const options = resolveWorldOptions(input);
  const startDay = dayOfText(options.start);
  const endDay = addMonths(startDay, Math.round(options.years * 12));
  const startSeconds = startDay * DAY_SECONDS;
  const endSeconds = endDay * DAY_SECONDS;
  const altFrom = options.alternativeFuture
    ? localTextSeconds(options.alternativeFuture.from)
    : Number.POSITIVE_INFINITY;
  const altSeed = options.alternativeFuture?.seed ?? 0;
  const rates = buildRatePaths(options, startDay, endDay, altFrom);
  const buffer = new ColumnBuffer(Math.max(1024, Math.round(options.clients * options.years * 12)));
  const clients = new Map<number, SimClient>();
  const ctx: GeneratorContext = {
    options,
    buffer,
    clients,
    rates,
    startDay,
    startSeconds,
    endSeconds,
    altFrom,
    altSeed,
    seriesTruth: new Map(),
  };
  const simulator = new ClientSimulator(ctx);
  for (let id = 1; id <= options.clients; id++) simulator.run(id, startSeconds, true);
  let userid = options.clients;
  for (const signup of acquisitions(options, startDay, endSeconds, altFrom))
    simulator.run(++userid, signup, false);

  // Ids follow creation time; ties keep generation order (client by client, each in event order),
  // which depends only on what happened up to that moment.
  const n = buffer.length;
  const keys = new Float64Array(n);
  const created = buffer.columns.createdAt;
  const base = startSeconds - 400 * DAY_SECONDS;
  for (let i = 0; i < n; i++) keys[i] = (created[i]! - base) * 2 ** 24 + i;
  if (n >= 2 ** 24) throw new RangeError('a world holds at most 16,777,215 invoices');
  keys.sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = keys[i]! % 2 ** 24;
  const columns = buffer.reorder(order);

  const currencies: SimCurrency[] = options.currencies.map((c, i) => ({
    id: i + 1,
    code: c.code,
    prefix: c.prefix,
    suffix: c.suffix,
  }));
  const version: WhmcsVersion = options.fieldSet === '7.x' ? 7 : 8;
  const currencyById = new Map(currencies.map((c) => [c.id, c]));
  const toWire = (invoice: SimInvoice): Record<string, unknown> => {
    const client = clients.get(invoice.userid);
    const currency = currencyById.get(client?.currency ?? 1) ?? currencies[0]!;
    const wire = invoiceToWire(invoice, client, currency, version);
    if (version === 7) for (const field of FIELDS_8X_ONLY) delete wire[field];
    return wire;
  };
  const localSeconds = (at: Date) => toLocalSeconds(at, options.timeZone);
  const materialize = (store: InvoiceStore, t: number) =>
    materializeAsOf(columns, n, WORLD_GATEWAYS, store, t);
  const rowsAsOf = (at: Date): SimInvoice[] => {
    const store = new InvoiceStore(0);
    materialize(store, localSeconds(at));
    const rows: SimInvoice[] = [];
    for (let id = 1; id <= store.maxId; id++) rows.push(store.get(id)!);
    return rows;
  };

  const snapshotAsOf = (at: Date): WorldSnapshot => {
    const store = new InvoiceStore(0);
    materialize(store, localSeconds(at));
    const count = store.maxId;
    const currency = new Uint8Array(count + 1);
    for (let id = 1; id <= count; id++) currency[id] = (clients.get(store.userid[id]!)?.currency ?? 1) - 1;
    const eight = (column: Uint32Array) =>
      version === 7 ? new Uint32Array(count + 1) : column.subarray(0, count + 1);
    return {
      count,
      statuses: STATUSES,
      status: store.status.subarray(0, count + 1),
      userid: store.userid.subarray(0, count + 1),
      currency,
      issueDay: store.date.subarray(0, count + 1),
      dueDay: store.duedate.subarray(0, count + 1),
      paid: store.datepaid.subarray(0, count + 1),
      refunded: eight(store.dateRefunded),
      cancelled: eight(store.dateCancelled),
      created: eight(store.createdAt),
      updated: eight(store.updatedAt),
      subtotal: store.subtotal.subarray(0, count + 1),
      tax: store.tax.subarray(0, count + 1),
      tax2: store.tax2.subarray(0, count + 1),
      credit: store.credit.subarray(0, count + 1),
      total: store.total.subarray(0, count + 1),
    };
  };

  return {
    options,
    start: instantOfLocal(startSeconds, options.timeZone),
    end: instantOfLocal(endSeconds, options.timeZone),
    startSeconds,
    endSeconds,
    size: n,
    clients,
    currencies,
    version,
    columns,
    truth: createWorldTruth(columns, n, options, ctx.seriesTruth, localSeconds, (userid) => {
      const client = clients.get(userid);
      return currencyById.get(client?.currency ?? 1)?.code ?? currencies[0]!.code;
    }),
    rates,
    localSeconds,
    countAsOf: (at) => countCreated(columns, n, localSeconds(at)),
    rowsAsOf,
    snapshotAsOf,
    invoicesAsOf: (at) => rowsAsOf(at).map(toWire),
    toWire,
    materialize,
    ratesCsv: () => ratesCsv(rates),
  };
}
