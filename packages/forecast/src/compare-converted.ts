import { formatUnits } from '@forecaster/whmcs-client';
import type { z } from 'zod';
import { CHANGE_CAUSES, type ChangeCause } from './model/change-causes.ts';
import { convertUnits, crossRate, type RateSet } from './rates.ts';
import type { convertedChangeSchema } from './schemas.ts';

/*
 * The change between two issued forecasts in a reporting currency. Each forecast is converted at
 * the latest rate of its own origin (the rule for forecasts), so in the reporting currency the
 * change has one more cause than in the forecast's own: the rate moved. The split (every step
 * rounded to the cent, the steps adding up to the difference exactly):
 *   rates     A re-valued at B's rate, less A at A's rate
 *   business  B less A, both at B's rate (split by event, at B's rate, when the events are known)
 */

export type ConvertedChange = z.infer<typeof convertedChangeSchema>;

export const RATES_STEP =
  "The exchange rate moved between the two origins: A's forecast re-valued at B's rate, less A at A's rate (each forecast is converted at the latest rate of its origin)";

const CENT_UNITS = 100n;

/**
 * One period's change converted to `to`. `chain` is the period's cents from A to B through the
 * event steps (A, then each step's running value, then B); without events, just [A, B].
 */
export function convertedChange(
  rates: RateSet,
  to: string,
  currency: string,
  days: { a: number; b: number },
  chain: readonly bigint[],
  events: readonly ChangeCause[] | null,
): ConvertedChange {
  const crossA = crossRate(rates, currency, to, days.a);
  const crossB = crossRate(rates, currency, to, days.b);
  const first = chain[0] as bigint;
  const last = chain[chain.length - 1] as bigint;
  const atA = crossA ? convertUnits(first * CENT_UNITS, crossA) : null;
  const atB = crossB ? chain.map((v) => convertUnits(v * CENT_UNITS, crossB)) : null;
  const out: ConvertedChange = {
    currency: to,
    rateA: crossA?.used ?? null,
    rateB: crossB?.used ?? null,
    expectedA: atA === null ? null : formatUnits(atA),
    expectedB: crossB ? formatUnits(convertUnits(last * CENT_UNITS, crossB)) : null,
    difference: null,
    byCause: null,
  };
  if (atA === null || atB === null) return out;
  const aAtB = atB[0] as bigint;
  const bAtB = atB[atB.length - 1] as bigint;
  out.difference = formatUnits(bAtB - atA);
  out.byCause = { rates: formatUnits(aAtB - atA), business: formatUnits(bAtB - aAtB) };
  if (events && events.length === chain.length - 1) {
    const byEvent = { rates: formatUnits(aAtB - atA) } as Record<ChangeCause | 'rates', string>;
    events.forEach((cause, k) => {
      byEvent[cause] = formatUnits((atB[k + 1] as bigint) - (atB[k] as bigint));
    });
    out.byEvent = byEvent;
  }
  return out;
}

/** The event steps in waterfall order (the order of the chain). */
export const EVENT_ORDER = Object.keys(CHANGE_CAUSES) as ChangeCause[];
