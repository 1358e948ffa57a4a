import { normalizeInvoice, type WireInvoice } from '@forecaster/whmcs-client';
import { generateWorld } from '@forecaster/whmcs-sim';
import { afterAll, beforeAll } from 'vitest';
import { createHarness, type Harness } from './harness.ts';

type World = ReturnType<typeof generateWorld>;

/** A simulated world's invoices as the store keeps them (source `eu`, UTC), as WHMCS served them at `at`. */
export const worldInvoices =
  (world: World, source = 'eu') =>
  (at: string) =>
    (world.invoicesAsOf(new Date(at)) as WireInvoice[]).map((raw) => ({
      invoice: normalizeInvoice(raw, { source, timeZone: 'UTC' }),
      raw,
    }));

/**
 * A harness for the file's tests (clock 2024-06-15 noon) whose source `eu` holds the world's
 * invoices as of 2024-03-15: opened before them, closed after.
 */
export function harnessOnWorld(options: Parameters<typeof generateWorld>[0]) {
  const fetched = worldInvoices(generateWorld(options));
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await createHarness({ clock: () => new Date('2024-06-15T12:00:00Z') });
    await h.put('eu', fetched('2024-03-15T12:00:00Z'));
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });
  return { harness: () => h as Harness, fetched };
}
