import { describe, expect, it } from 'vitest';
import { civilFromDay, DAY_SECONDS } from './calendar.ts';
import { generateWorld, type World } from './generate-world.ts';
import { resolveWorldOptions } from './world-options.ts';

// The regimes of the forecast's bench must be visible in the cash it scores (the currency with the
// most cash), inside the origins it scores (the last 24 month ends of a 7-year history). A world
// and the same world without its preset's shock, from one seed, differ only by the shock: same
// clients, same orders, other amounts.

const YEARS = 7;
/** Months since the history's start of a naive local second. */
function monthIndex(seconds: number): number {
  const [y, m] = civilFromDay(Math.floor(seconds / DAY_SECONDS));
  return (y - 2019) * 12 + (m - 1);
}

/** Invoiced subtotal per month of creation, per currency code. */
function invoicedByMonth(world: World): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const c = world.columns;
  for (let id = 1; id <= world.size; id++) {
    const client = world.clients.get(c.userid[id] as number);
    const code = world.currencies.find((x) => x.id === client?.currency)?.code ?? '';
    const months = out.get(code) ?? Array.from({ length: YEARS * 12 }, () => 0);
    const m = monthIndex(c.createdAt[id] as number);
    if (m >= 0 && m < months.length) months[m] = (months[m] as number) + (c.subtotal[id] as number);
    out.set(code, months);
  }
  return out;
}

function headline(world: World): string {
  const totals = [...invoicedByMonth(world)].map(
    ([code, months]) => [code, months.reduce((a, b) => a + b, 0)] as const,
  );
  return totals.sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

const sum = (xs: number[], from: number, to: number) => xs.slice(from, to).reduce((a, b) => a + b, 0);
/** First month of the scored origins' horizons: the last 24 months of the history. */
const SCORED = YEARS * 12 - 24;

describe('world presets', { timeout: 120_000 }, () => {
  it('dates the shocks inside the scored origins of a backtest (the last 24 months)', () => {
    const rise = resolveWorldOptions({ preset: 'price-rise' });
    const swing = resolveWorldOptions({ preset: 'currency-swing' });
    expect(rise.priceChanges[0]?.date).toBe('2024-04-01');
    expect(swing.currencySwings[0]?.from).toBe('2024-04-01');
    expect(monthIndex(Date.parse('2024-04-01T00:00:00Z') / 1000)).toBeGreaterThan(SCORED);
  });

  it('price-rise: the same world as before the rise, 12 % more invoiced a year after it', () => {
    const options = { preset: 'price-rise', clients: 300, years: YEARS, seed: 5 } as const;
    const rise = invoicedByMonth(generateWorld(options));
    const none = invoicedByMonth(generateWorld({ ...options, priceChanges: [] }));
    const code = 'USD';
    const a = rise.get(code) as number[];
    const b = none.get(code) as number[];
    const shock = monthIndex(Date.parse('2024-04-01T00:00:00Z') / 1000);
    expect(sum(a, SCORED, shock - 1) / sum(b, SCORED, shock - 1)).toBeCloseTo(1, 3);
    expect(sum(a, shock + 13, YEARS * 12) / sum(b, shock + 13, YEARS * 12)).toBeGreaterThan(1.1);
  });

  it('currency-swing: the swung currency is the headline, and its new orders cost more after the swing', () => {
    const options = { preset: 'currency-swing', clients: 300, years: YEARS, seed: 5 } as const;
    const world = generateWorld(options);
    expect(headline(world)).toBe('EUR');
    const swing = invoicedByMonth(world).get('EUR') as number[];
    const none = invoicedByMonth(generateWorld({ ...options, currencySwings: [] })).get('EUR') as number[];
    const shock = monthIndex(Date.parse('2024-04-01T00:00:00Z') / 1000);
    expect(sum(swing, SCORED, shock) / sum(none, SCORED, shock)).toBeCloseTo(1, 3);
    expect(sum(swing, shock + 6, YEARS * 12) / sum(none, shock + 6, YEARS * 12)).toBeGreaterThan(1.05);
  });
});
