import { readFileSync } from 'node:fs';
import { normalizeInvoice, type WireInvoice } from '@forecaster/whmcs-client';
import { describe, expect, it } from 'vitest';
import { makeInvoices, seededRandom } from './invoice-fixtures.ts';
import { rawColumns, rebuildRaw } from './raw-record.ts';

const SAMPLE = JSON.parse(
  readFileSync(
    new URL('../../../whmcs-sim/src/testing/samples/getinvoices.docs-example.json', import.meta.url),
    'utf8',
  ),
) as { invoices: { invoice: WireInvoice[] } };

/** The same fields, status first. */
function reordered(raw: WireInvoice): WireInvoice {
  const { status, ...rest } = raw;
  return { status, ...rest } as WireInvoice;
}

function roundTrip(raw: WireInvoice, timeZone = 'Europe/Berlin') {
  const invoice = normalizeInvoice(raw, { source: 'eu', timeZone });
  const stored = rawColumns(invoice, raw);
  // As stored: the normalized invoice as JSON text, the columns beside it.
  const rebuilt = rebuildRaw(JSON.stringify(invoice), stored.raw, stored.full);
  return { stored, text: JSON.stringify(rebuilt) };
}

describe('the raw record kept once (derived from the normalized invoice)', () => {
  it('stores nothing beside a WHMCS 8 record (the documented sample) and rebuilds it exactly', () => {
    const raw = SAMPLE.invoices.invoice[0]!;
    const { stored, text } = roundTrip(raw, 'UTC');
    expect(stored).toEqual({ raw: null, full: 0 });
    expect(text).toBe(JSON.stringify(raw));
  });

  it('rebuilds every fixture byte for byte, messy ones included, with small patches', () => {
    const rows = [
      ...makeInvoices(seededRandom(3), 'eu', 1, 500, { messy: true }),
      ...makeInvoices(seededRandom(4), 'eu', 1, 500),
    ];
    let patchBytes = 0;
    for (const { raw } of rows) {
      const { stored, text } = roundTrip(raw);
      expect(text).toBe(JSON.stringify(raw));
      expect(stored.full).toBe(0);
      patchBytes += stored.raw?.length ?? 0;
    }
    // The fixtures send ids as strings and tax rates at scale 2: those fields, not the record.
    expect(patchBytes / rows.length).toBeLessThan(120);
  });

  it('keeps what the derivation cannot give: entities, odd forms, extra or reordered fields', () => {
    const base = SAMPLE.invoices.invoice[0]!;
    const variants: WireInvoice[] = [
      { ...base, firstname: 'Ben &amp; Jerry', notes: ' padded ', invoicenum: ' 7 ' },
      { ...base, id: '1', userid: '1', paymethodid: '', taxrate: '19', total: 15.95 as never },
      { ...base, datepaid: '2016-01-09 10:00:00', date: null, duedate: '0000-00-00' },
      { ...base, extra: { nested: [1, 'two'] } } as WireInvoice,
      reordered(base),
      { ...base, created_at: '2016-03-27 02:30:00' }, // a wall time DST skips in Berlin
    ];
    for (const raw of variants) {
      const { text } = roundTrip(raw);
      expect(text).toBe(JSON.stringify(raw));
    }
    expect(roundTrip(variants[3]!).stored.full).toBe(1);
    expect(roundTrip(variants[4]!).stored.full).toBe(1);
  });
});
