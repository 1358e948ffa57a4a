import { convertUnits, createConverter, dayOf, forecastCashSteps, type RateSet } from '@forecaster/forecast';
import { formatUnits, toUnits } from '@forecaster/whmcs-client';
import { commitmentsForecast } from '../api/costs.ts';
import type { AppDeps } from '../api/deps.ts';
import { stepped } from '../bounded-work.ts';
import { contentOf, figuresService } from './service.ts';

/*
 * Net cash ahead: the revenue forecast (what /v1/forecast serves, without issuing it) minus the
 * commitments' schedules, month by month. Revenue is per source and currency; the forecast's
 * `all` rows sum the sources draw by draw, so their p10 is the p10 of the sum (summing the
 * sources' p10s would overstate the risk). Costs are exact; the net band is revenue's band
 * shifted by the costs, because the schedule is known, not simulated.
 */

export interface Band {
  expected: string;
  p10: string;
  p90: string;
}

export interface NetRow {
  month: string;
  currency: string;
  costs: string;
  revenue: Band | null;
  net: Band | null;
  /** p10 revenue does not cover the month's commitments; null while revenue is unknown. */
  p10Shortfall: boolean | null;
}

export interface NetForecast {
  revenue: 'available' | 'unavailable';
  note: string;
  asOf: string | null;
  data: NetRow[];
  /** Currencies that could not be converted into the reporting currency (no rate loaded). */
  missingRates: string[];
}

export interface NetOptions {
  months: number;
  sources: readonly string[];
  /** The reporting currency: every amount converted into it and summed. */
  convertTo?: { rates: RateSet; to: string };
}

type Units = { expected: bigint; p10: bigint; p90: bigint };

/** The net forecast: per month and currency (or per month in the reporting currency). */
export async function netForecast(deps: AppDeps, options: NetOptions): Promise<NetForecast> {
  const today = (deps.clock ?? (() => new Date()))().toISOString().slice(0, 10);
  const revenue = new Map<string, Units>();
  let months: string[] = [];
  let asOf: string | null = null;
  if (options.sources.length > 0) {
    const service = figuresService(deps);
    const {
      columns: ledger,
      dataAsOf,
      today: sourceToday,
      memo,
    } = await service.forecastContext(options.sources);
    if (ledger.length > 0) {
      const last = await service.lastBacktest(options.sources);
      const origin = Math.min(sourceToday, dataAsOf);
      // Kept per question with the columns, as /v1/forecast keeps its own (the module asks for
      // the net forecast on every view, and the alerts check it on every run).
      const forecast = await memo(
        ['net-forecast', origin, dataAsOf, options.months, last ? contentOf(last.groups) : null],
        () =>
          stepped(
            forecastCashSteps(ledger, {
              asOf: origin,
              dataAsOf,
              months: options.months,
              weeks: 1,
              ...(last ? { backtest: last.groups } : {}),
            }),
          ),
      );
      asOf = forecast.asOf;
      for (const row of forecast.monthly) {
        if (row.source !== 'all') continue;
        revenue.set(`${row.period}|${row.currency}`, {
          expected: toUnits(row.expected),
          p10: toUnits(row.p10),
          p90: toUnits(row.p90),
        });
        if (!months.includes(row.period)) months.push(row.period);
      }
      months.sort();
    }
  }
  const available = months.length > 0;
  const first = months[0] ?? today.slice(0, 7);
  if (!available) months = monthRange(first, options.months);
  const { totals } = await commitmentsForecast(deps, months.length, first);
  const costs = new Map(totals.map((t) => [`${t.month}|${t.currency}`, toUnits(t.amount)]));

  const missing = new Set<string>();
  let cells: Map<string, { costs: bigint; revenue: Units | null }>;
  if (options.convertTo) {
    const { rates, to } = options.convertTo;
    const convert = createConverter(rates, to);
    // The latest rate, as /v1/forecast?convertTo= converts: one rate for every month ahead.
    const day = rates.to ?? dayOf(today);
    const inTarget = (currency: string, units: bigint): bigint | null => {
      const cross = convert(currency, day);
      if (!cross) {
        missing.add(currency);
        return null;
      }
      return convertUnits(units, cross);
    };
    cells = new Map();
    const cell = (month: string) => {
      const key = `${month}|${to}`;
      const found = cells.get(key);
      if (found) return found;
      const made = { costs: 0n, revenue: available ? zero() : null };
      cells.set(key, made);
      return made;
    };
    for (const month of months) cell(month);
    for (const [key, units] of costs) {
      const [month, currency] = key.split('|') as [string, string];
      const converted = inTarget(currency, units);
      if (converted !== null && months.includes(month)) cell(month).costs += converted;
    }
    for (const [key, band] of revenue) {
      const [month, currency] = key.split('|') as [string, string];
      const c = cell(month);
      const e = inTarget(currency, band.expected);
      const p10 = inTarget(currency, band.p10);
      const p90 = inTarget(currency, band.p90);
      if (e === null || p10 === null || p90 === null || !c.revenue) continue;
      c.revenue.expected += e;
      c.revenue.p10 += p10;
      c.revenue.p90 += p90;
    }
  } else {
    cells = new Map();
    const currencies = new Set([...costs.keys(), ...revenue.keys()].map((k) => k.split('|')[1] as string));
    for (const month of months) {
      for (const currency of currencies) {
        const key = `${month}|${currency}`;
        if (!costs.has(key) && !revenue.has(key)) continue;
        cells.set(key, {
          costs: costs.get(key) ?? 0n,
          revenue: revenue.get(key) ?? (available ? zero() : null),
        });
      }
    }
  }

  const data: NetRow[] = [...cells]
    .map(([key, cell]) => {
      const [month, currency] = key.split('|') as [string, string];
      const r = cell.revenue;
      return {
        month,
        currency,
        costs: formatUnits(cell.costs),
        revenue: r ? band(r) : null,
        net: r
          ? band({ expected: r.expected - cell.costs, p10: r.p10 - cell.costs, p90: r.p90 - cell.costs })
          : null,
        p10Shortfall: r ? r.p10 < cell.costs : null,
      };
    })
    .sort((a, b) =>
      a.month === b.month ? a.currency.localeCompare(b.currency) : a.month < b.month ? -1 : 1,
    );

  return {
    revenue: available ? 'available' : 'unavailable',
    note: available
      ? 'Revenue is the cash forecast GET /v1/forecast serves (all sources summed draw by draw, so p10 is the p10 of the sum); costs are the commitments schedules (GET /v1/commitments/forecast). net = revenue - costs for each of expected, p10 and p90; p10Shortfall: p10 revenue is below the costs.'
      : options.sources.length === 0
        ? 'Costs only: no WHMCS source is configured, so there is no revenue forecast; revenue, net and p10Shortfall are null.'
        : 'Costs only: the sources have no synced invoices yet, so there is no revenue forecast; revenue, net and p10Shortfall are null.',
    asOf,
    data,
    missingRates: [...missing].sort(),
  };
}

const zero = (): Units => ({ expected: 0n, p10: 0n, p90: 0n });
const band = (u: Units): Band => ({
  expected: formatUnits(u.expected),
  p10: formatUnits(u.p10),
  p90: formatUnits(u.p90),
});

function monthRange(first: string, count: number): string[] {
  const [y, m] = first.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, k) => {
    const n = y * 12 + (m - 1) + k;
    return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
  });
}
