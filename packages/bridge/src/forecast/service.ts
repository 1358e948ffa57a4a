import {
  backtestGroupSchema,
  backtestSteps,
  dateOf,
  dayOf,
  type GroupBacktest,
  type LedgerColumns,
  type LedgerInvoice,
  METHOD_VERSION,
  type RateSet,
} from '@forecaster/forecast';
import { todayIn } from '@forecaster/whmcs-client';
import { z } from 'zod';
import type { AppDeps } from '../api/deps.ts';
import { invalidRequest } from '../api/errors.ts';
import { stepped } from '../bounded-work.ts';
import { sha256 } from '../sha256.ts';
import type { SyncRunResult } from '../store/types.ts';
import { ColumnCache } from './column-cache.ts';
import { RatesFile } from './rates-file.ts';

/*
 * What the figures and forecast routes share: the store's invoices (cached), the operator's
 * rates, and the days that anchor an answer. The routes stay thin: they feed the pure package
 * and serve its answers. Both read one cache of columns (column-cache.ts): the forecast its
 * float columns, the exact figures (revenue, receivables, payment behaviour) its rows as invoices
 * with bigint money, made one at a time as they are read. The cache keeps exact money (about 45
 * bytes an invoice more) from the first request for a figure on: a bridge that only forecasts
 * never holds it, and one that serves both holds one set of columns, never two.
 */

interface Days {
  /** The day of the oldest last successful sync among the sources (their data is complete up to it). */
  dataAsOf: number;
  /** Today in the first source's zone (the default `asOf`). */
  today: number;
}

export interface FiguresContext extends Days {
  /** The sources' invoices, in (source, id) order: iterate it as often as needed. */
  ledger: Iterable<LedgerInvoice>;
  /** The same invoices as (exact) columns: for a figure that reads some rows only. */
  columns: LedgerColumns;
  /**
   * `compute()`'s answer, kept with these invoices under `key` (what was asked, in JSON): the
   * same question of the same invoices is computed once, until the store changes them.
   */
  memo<T>(key: readonly unknown[], compute: () => T): T;
}

export interface ForecastContext extends Days {
  columns: LedgerColumns;
  /** As {@link FiguresContext.memo}: answers kept with these columns. */
  memo<T>(key: readonly unknown[], compute: () => T): T;
}

export interface FiguresService {
  context(sources: readonly string[]): Promise<FiguresContext>;
  /** The forecast's input: the sources' invoices as columns. */
  forecastContext(sources: readonly string[]): Promise<ForecastContext>;
  /** The operator's rates, or null when none are loaded. */
  rates(): Promise<RateSet | null>;
  /** Runs (and keeps) the backtest of these sources on their current ledger. */
  backtest(
    sources: readonly string[],
    origins: number,
  ): Promise<{ groups: GroupBacktest[]; dataAsOf: number }>;
  /**
   * The last backtest run for exactly these sources, if any (what /v1/forecast serves by): kept in
   * the store, so the choice it made survives a restart; one that judged another method version
   * is not applied.
   */
  lastBacktest(
    sources: readonly string[],
  ): Promise<{ groups: GroupBacktest[]; dataAsOf: number } | undefined>;
}

const services = new WeakMap<object, FiguresService>();

/** Answers kept per set of columns (a change makes new columns, and their answers go with the old). */
const answers = new WeakMap<LedgerColumns, Map<string, unknown>>();
/**
 * Answers kept per set of columns at most, the least recently asked dropped first: questions
 * asked once (a client's behaviour, a past date) must not push out the forecast everyone asks.
 */
export const MAX_ANSWERS = 64;

/** The `memo` of a context over these columns. */
export const memoOn =
  (columns: LedgerColumns) =>
  <T>(key: readonly unknown[], compute: () => T): T => {
    let kept = answers.get(columns);
    if (!kept) {
      kept = new Map();
      answers.set(columns, kept);
    }
    const text = JSON.stringify(key);
    if (kept.has(text)) {
      // Asked again: the most recently used now (a Map keeps insertion order).
      const value = kept.get(text) as T;
      kept.delete(text);
      kept.set(text, value);
      return value;
    }
    const value = compute();
    if (kept.size >= MAX_ANSWERS) kept.delete(kept.keys().next().value as string);
    kept.set(text, value);
    // An answer still being computed is shared by whoever asks meanwhile; one that failed is not
    // kept (the next request computes it again). The caller still sees the failure.
    if (value instanceof Promise) {
      const set = kept;
      value.catch(() => {
        if (set.get(text) === value) set.delete(text);
      });
    }
    return value;
  };

const digests = new WeakMap<object, string>();
/**
 * A digest of a value's JSON, computed once per object: names what it holds, wherever it was read
 * from (a backtest read back from the store is a new object on every read, with the same groups).
 */
export function contentOf(value: object): string {
  let digest = digests.get(value);
  if (digest === undefined) {
    digest = sha256(JSON.stringify(value)).toString('base64');
    digests.set(value, digest);
  }
  return digest;
}

const identities = new WeakMap<object, number>();
let lastIdentity = 0;
/** A number naming this object while it lives (the loaded rates, in a memo key: see {@link ratesKey}). */
function identityOf(value: object): number {
  const known = identities.get(value);
  if (known !== undefined) return known;
  identities.set(value, ++lastIdentity);
  return lastIdentity;
}

/** One service per store: every route of one app shares the cache. */
export function figuresService(deps: AppDeps): FiguresService {
  let service = services.get(deps.store);
  if (!service) {
    service = createFiguresService(deps);
    services.set(deps.store, service);
  }
  return service;
}

function createFiguresService(deps: AppDeps): FiguresService {
  let columns = new ColumnCache(deps.store);
  const ratesFile = new RatesFile(deps.config.dataDir);
  const now = deps.clock ?? (() => new Date());
  const backtests = new Map<
    string,
    // The columns it ran on, held weakly: only to know whether they are still the current ones
    // (a kept backtest must not keep a million invoices' columns alive after they changed).
    { groups: GroupBacktest[]; dataAsOf: number; ledger: WeakRef<LedgerColumns>; origins: number }
  >();
  const keyOf = (sources: readonly string[]) => [...sources].sort().join(',');
  async function days(sources: readonly string[]): Promise<Days> {
    const zoneOf = (id: string) => deps.config.sources.find((s) => s.id === id)?.timeZone ?? 'UTC';
    const today = dayOf(todayIn(zoneOf(sources[0] ?? ''), now()));
    const records = await deps.store.listSources();
    const synced: number[] = [];
    for (const id of sources) {
      const record = records.find((r) => r.id === id);
      const runs = [record?.lastFull, record?.lastIncremental].filter(
        (r): r is SyncRunResult => r?.result === 'ok',
      );
      if (runs.length === 0) continue;
      const last = runs.map((r) => r.finishedAt).sort()[runs.length - 1] as string;
      synced.push(dayOf(todayIn(zoneOf(id), new Date(last))));
    }
    return { dataAsOf: synced.length ? Math.min(...synced) : today, today };
  }
  const service: FiguresService = {
    async context(sources) {
      const d = await days(sources);
      // Exact columns hold the plain ones too: the forecast reads these from now on.
      if (!columns.exact) columns = new ColumnCache(deps.store, { exact: true });
      const mine = await columns.columns(sources);
      return { ledger: mine.invoices(), columns: mine, memo: memoOn(mine), ...d };
    },
    async forecastContext(sources) {
      const d = await days(sources);
      const mine = await columns.columns(sources);
      return { columns: mine, memo: memoOn(mine), ...d };
    },
    rates: () => ratesFile.rates(),
    async backtest(sources, origins) {
      const { columns: ledger, dataAsOf } = await service.forecastContext(sources);
      const key = keyOf(sources);
      const kept = backtests.get(key);
      // The same ledger (no change since) and the same days: the same answer, without the work.
      if (kept && kept.ledger.deref() === ledger && kept.dataAsOf === dataAsOf && kept.origins === origins)
        return kept;
      // Step by step, the event loop free between steps: 36 forecasts over a large install take
      // seconds, which every other request would wait for.
      const groups = await stepped(backtestSteps(ledger, { dataAsOf, origins }));
      const result = { groups, dataAsOf, ledger: new WeakRef(ledger), origins };
      backtests.set(key, result);
      await deps.store.forecasts.keepBacktest({
        sources: [...sources],
        dataAsOf: dateOf(dataAsOf),
        origins,
        version: METHOD_VERSION,
        groups,
      });
      return result;
    },
    async lastBacktest(sources) {
      const inMemory = backtests.get(keyOf(sources));
      if (inMemory) return inMemory;
      const kept = await deps.store.forecasts.keptBacktest([...sources]);
      if (!kept || kept.version !== METHOD_VERSION) return undefined;
      const groups = z.array(backtestGroupSchema).safeParse(kept.groups);
      return groups.success ? { groups: groups.data, dataAsOf: dayOf(kept.dataAsOf) } : undefined;
    },
  };
  return service;
}

/** The rates to convert with, or a 400 naming `convertTo` when no rate file is loaded. */
export async function ratesFor(service: FiguresService, convertTo: string | undefined) {
  if (!convertTo) return undefined;
  const rates = await service.rates();
  if (!rates) {
    throw invalidRequest([
      { param: 'convertTo', message: 'no exchange rates are loaded: put a rate file at <dataDir>/rates.csv' },
    ]);
  }
  return { rates, to: convertTo.toUpperCase() };
}

/** What names the conversion `ratesFor` gave in a memo key: the currency and the rates loaded. */
export function ratesKey(convert: { rates: RateSet; to: string } | undefined): unknown {
  return convert ? [convert.to, identityOf(convert.rates)] : null;
}
