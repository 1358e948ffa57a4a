import { readFileSync } from 'node:fs';
import { type Invoice, normalizeInvoice, type WireInvoice } from '@forecaster/whmcs-client';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './invoice-fixtures.ts';
import { deriveRaw, type RawColumns, rawColumns, rebuildRaw } from './raw-record.ts';

const SAMPLE = JSON.parse(
  readFileSync(
    new URL('../../../whmcs-sim/src/testing/samples/getinvoices.docs-example.json', import.meta.url),
    'utf8',
  ),
) as { invoices: { invoice: WireInvoice[] } };

/** The columns as first written (migration 11): the derived record built, then compared field by field. */
function reference(invoice: Invoice, raw: WireInvoice): RawColumns {
  const derived = deriveRaw(invoice);
  const keys = Object.keys(raw);
  const order = Object.keys(derived);
  if (keys.length !== order.length || keys.some((key, i) => key !== order[i])) {
    return { raw: JSON.stringify(raw), full: 1 };
  }
  let patch: Record<string, unknown> | undefined;
  for (const key of keys) {
    const value = (raw as Record<string, unknown>)[key];
    if (value === derived[key]) continue;
    patch ??= {};
    patch[key] = value;
  }
  return { raw: patch === undefined ? null : JSON.stringify(patch), full: 0 };
}

/** Odd values WHMCS 7.x/8.x, plugins and old rows send: each may or may not normalize. */
const ODD: unknown[] = [
  '',
  ' ',
  '0',
  '-0',
  0,
  -0,
  1e21,
  '99999999999999.99',
  '0.000',
  '15.950',
  null,
  'Zoë &amp; Ŝon 🧾',
  '\u0000',
  '0000-00-00',
  '0000-00-00 00:00:00',
  '2024-10-27 02:30:00',
  '2016-01-08T14:06:34',
  '2016-01-08 14:06:34.000',
  '2016-01-08 14:06',
  '2016-01-08 14:06:34+01:00',
  '007',
  [],
  {},
  true,
];

describe('the raw record kept once, against odd WHMCS fields', () => {
  it('rebuilds byte for byte whatever value any field holds, with keys missing or added', () => {
    const base = SAMPLE.invoices.invoice[0]!;
    const keys = Object.keys(base);
    const rnd = seededRandom(17);
    let normalized = 0;
    for (let n = 0; n < 3_000; n++) {
      const raw: Record<string, unknown> = { ...base };
      for (let k = 0; k < 3; k++) {
        raw[keys[Math.floor(rnd() * keys.length)]!] = ODD[Math.floor(rnd() * ODD.length)];
      }
      if (rnd() < 0.1) delete raw[keys[Math.floor(rnd() * keys.length)]!];
      if (rnd() < 0.1) raw.extra_field_8x = ODD[Math.floor(rnd() * ODD.length)];
      const wire = JSON.parse(JSON.stringify(raw)) as WireInvoice; // as the client parses it
      let invoice: ReturnType<typeof normalizeInvoice>;
      try {
        invoice = normalizeInvoice(wire, { source: 'eu', timeZone: 'Europe/Berlin' });
      } catch {
        continue; // quarantined, not stored as an invoice
      }
      normalized++;
      const stored = rawColumns(invoice, wire);
      // The comparisons without the derived record choose the same columns, byte for byte.
      expect(stored).toEqual(reference(invoice, wire));
      const rebuilt = rebuildRaw(JSON.stringify(invoice), stored.raw, stored.full);
      expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(wire));
    }
    // Most variants are still invoices: the round trip was exercised, not skipped.
    expect(normalized).toBeGreaterThan(500);
  });
});
