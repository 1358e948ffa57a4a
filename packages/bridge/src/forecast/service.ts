import { dayOf, type LedgerInvoice, type RateSet } from '@forecaster/forecast';
import { todayIn } from '@forecaster/whmcs-client';
import type { AppDeps } from '../api/deps.ts';
import { invalidRequest } from '../api/errors.ts';
import type { SyncRunResult } from '../store/types.ts';
import { LedgerCache } from './ledger-cache.ts';
import { RatesFile } from './rates-file.ts';

/*
 * What the figures and forecast routes share: the ledger of the store's invoices (cached), the
 * operator's rates, and the days that anchor an answer. The routes stay thin: they feed the
 * pure package and serve its answers.
 */

export interface FiguresContext {
  ledger: LedgerInvoice[];
  /** The day of the oldest last successful sync among the sources (their data is complete up to it). */
  dataAsOf: number;
  /** Today in the first source's zone (the default `asOf`). */
  today: number;
}

export interface FiguresService {
  context(sources: readonly string[]): Promise<FiguresContext>;
  /** The rates for a `convertTo`, or a 400 when the operator loaded none. */
  rates(): Promise<RateSet | null>;
}

const services = new WeakMap<object, FiguresService>();

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
  const cache = new LedgerCache(deps.store);
  const ratesFile = new RatesFile(deps.config.dataDir);
  const now = deps.clock ?? (() => new Date());
  return {
    async context(sources) {
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
      const ledger = await cache.ledger(sources);
      return { ledger, dataAsOf: synced.length ? Math.min(...synced) : today, today };
    },
    rates: () => ratesFile.rates(),
  };
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
