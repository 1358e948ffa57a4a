import type { InvoiceStore } from '../invoice-store.ts';
import { toLocalSeconds } from '../local-time.ts';
import type { ResolvedSimulatorOptions, SimulatorOptions } from '../types.ts';
import type { World } from './generate-world.ts';

/** The simulator options a world dictates (currencies, version, zone, sizes); the caller's others stay. */
export function worldSimulatorOptions(world: World, input: SimulatorOptions): SimulatorOptions {
  return {
    ...input,
    seed: world.options.seed,
    clients: world.clients.size,
    invoices: world.size,
    orphans: 0,
    currencies: world.currencies.map(({ code, prefix, suffix }) => ({ code, prefix, suffix })),
    version: world.version,
    timeZone: world.options.timeZone,
  };
}

/**
 * Keeps the simulator's store equal to the world as of the simulator's clock: rewritten only when
 * the clock has moved past the next event (or back), so a fixed clock costs one materialization.
 * Mutations made through the simulator last until the next rewrite.
 */
export function worldRefresher(
  world: World,
  store: InvoiceStore,
  options: ResolvedSimulatorOptions,
): () => void {
  let validFrom = Number.POSITIVE_INFINITY;
  let validUntil = Number.NEGATIVE_INFINITY;
  return () => {
    const t = toLocalSeconds(options.now(), options.timeZone);
    if (t >= validFrom && t < validUntil) return;
    validUntil = world.materialize(store, t);
    validFrom = t;
  };
}
