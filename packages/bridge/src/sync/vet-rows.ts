import { normalizeInvoice, toUnits, WhmcsResponseError, type WireInvoice } from '@forecaster/whmcs-client';
import { betweenSlices, slices } from '../bounded-work.ts';
import type { FetchedInvoice, QuarantineEntry } from '../store/types.ts';

/*
 * One malformed invoice must not stop a sync: every row of a page is read on its own, and a
 * row that cannot be stored as it is goes to the quarantine (kept raw, with the field and the
 * value that are wrong) while the rest of the page is stored.
 */

/** WHMCS keeps money as decimal(16,2): more decimals than that is not a WHMCS amount. */
const MONEY_FIELDS = ['subtotal', 'credit', 'tax', 'tax2', 'total'] as const;
const MONEY_SCALE = 2;
/** The store keeps amounts as 64-bit integers at scale 4. */
const MAX_UNITS = 2n ** 63n - 1n;

export interface VettedPage {
  rows: FetchedInvoice[];
  quarantine: QuarantineEntry[];
}

/** Splits a page into the invoices to store and the rows to quarantine. */
export function vetRows(rows: WireInvoice[], context: { source: string; timeZone: string }): VettedPage {
  const out: VettedPage = { rows: [], quarantine: [] };
  for (const raw of rows) {
    const problem = findProblem(raw, context);
    if ('invoice' in problem) out.rows.push({ raw, invoice: problem.invoice });
    else out.quarantine.push(problem);
  }
  return out;
}

/**
 * vetRows in bounded slices with a turn of the event loop between them: normalizing a page of
 * 1000 takes tens of milliseconds, which the API's readers would otherwise wait for.
 */
export async function vetRowsInSlices(
  rows: WireInvoice[],
  context: { source: string; timeZone: string },
): Promise<VettedPage> {
  const out: VettedPage = { rows: [], quarantine: [] };
  for (const [i, part] of slices(rows).entries()) {
    if (i > 0) await betweenSlices();
    const vetted = vetRows(part, context);
    out.rows.push(...vetted.rows);
    out.quarantine.push(...vetted.quarantine);
  }
  return out;
}

function findProblem(
  raw: WireInvoice,
  context: { source: string; timeZone: string },
): { invoice: FetchedInvoice['invoice'] } | QuarantineEntry {
  const ref = String(raw.id);
  const bad = (field: string, message: string): QuarantineEntry => {
    const value = (raw as Record<string, unknown>)[field];
    return {
      ref,
      field,
      value: value === undefined || value === null ? null : String(value),
      message: `Invoice ${ref}: ${message}`,
      raw,
    };
  };
  let invoice: FetchedInvoice['invoice'];
  try {
    invoice = normalizeInvoice(raw, context);
  } catch (err) {
    if (!(err instanceof WhmcsResponseError)) throw err;
    const field = err.path ?? 'id';
    return bad(
      field,
      `field ${field} cannot be read: ${err.message.replace(/^Invoice [^:]*: (field \S+ cannot be read: )?/, '')}`,
    );
  }
  if (!Number.isSafeInteger(invoice.id) || invoice.id <= 0)
    return bad('id', `id ${ref} is not a positive integer`);
  for (const field of MONEY_FIELDS) {
    const value = invoice[field];
    const dot = value.indexOf('.');
    const decimals = dot < 0 ? 0 : value.length - dot - 1;
    if (decimals > MONEY_SCALE && !/^0*$/.test(value.slice(dot + 1 + MONEY_SCALE))) {
      return bad(
        field,
        `${field} "${value}" has more than ${MONEY_SCALE} decimals (WHMCS stores decimal(16,2))`,
      );
    }
    const units = toUnits(value);
    if (units > MAX_UNITS || units < -MAX_UNITS) {
      return bad(field, `${field} "${value}" is larger than the store can hold exactly (about 922 trillion)`);
    }
  }
  return { invoice };
}
