import { normalizeInvoice, type WireInvoice } from '@forecaster/whmcs-client';
import type { World } from '@forecaster/whmcs-sim';
import { type LedgerInvoice, toLedger } from '../src/index.ts';

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
