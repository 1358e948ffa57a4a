import { normalizeInvoice, type WireInvoice } from '@forecaster/whmcs-client';
import { generateWorld, type World, type WorldOptionsInput } from '@forecaster/whmcs-sim';
import { dayOf, type LedgerInvoice, toLedger } from '../src/index.ts';

/** The ledger a bridge syncing this world would hold at `at`: its GetInvoices rows, normalized. */
export function ledgerAsOf(world: World, at: Date, source = 'world'): LedgerInvoice[] {
  const timeZone = world.options.timeZone;
  return world
    .invoicesAsOf(at)
    .map((raw) => toLedger(normalizeInvoice(raw as WireInvoice, { source, timeZone })));
}

/** The day number of a world instant's local date. */
export function localDay(world: World, at: Date): number {
  return Math.floor(world.localSeconds(at) / 86_400);
}

/** The currency with the most cash in a ledger (the bench's headline). */
export function headlineCurrency(ledger: readonly LedgerInvoice[]): string {
  const cash = new Map<string, number>();
  for (const i of ledger)
    if (i.paid !== null) cash.set(i.currency, (cash.get(i.currency) ?? 0) + Number(i.total));
  return [...cash].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

/** A world as the benches read it: its ledger at its last second, that day, and its headline currency. */
export interface WorldAtEnd {
  world: World;
  /** The world's last second. */
  end: Date;
  /** Its local day: the data's end. */
  dataAsOf: number;
  ledger: LedgerInvoice[];
  currency: string;
}

/** Generates a world and reads it at its end. */
export function worldAtEnd(input: WorldOptionsInput): WorldAtEnd {
  const world = generateWorld(input);
  const end = new Date(world.end.getTime() - 1000);
  const ledger = ledgerAsOf(world, end);
  return { world, end, dataAsOf: localDay(world, end), ledger, currency: headlineCurrency(ledger) };
}

/**
 * The day a service (the generator's series) was ordered, from the generator's truth: an order of
 * several services is one invoice that names none of them (its series is -1), so the series' own
 * first invoice can be its first renewal.
 */
export function orderedOn(world: World, series: number): number {
  const start = world.truth.series(series)?.start;
  return start === undefined ? Number.NEGATIVE_INFINITY : dayOf(start);
}
