import { type Invoice, normalizeInvoice, type WireInvoice } from '@forecaster/whmcs-client';
import type { FetchedInvoice } from './types.ts';

/*
 * Seeded, realistic invoices for the store's tests and benchmark: raw WHMCS 8 records (every
 * value a string, as the API sends them) normalized by the real client code.
 */

/** A small seeded PRNG (mulberry32): the same seed gives the same invoices. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const STATUS_WEIGHTS: Array<[string, number]> = [
  ['Paid', 70],
  ['Unpaid', 10],
  ['Cancelled', 6],
  ['Payment Pending', 4],
  ['Draft', 4],
  ['Refunded', 3],
  ['Collections', 3],
];
const CURRENCIES: Array<[code: string, prefix: string, suffix: string]> = [
  ['USD', '$', ' USD'],
  ['EUR', '€', ' EUR'],
  ['GBP', '£', ' GBP'],
  ['JPY', '¥', ' JPY'],
];
const FIRST = ['Liam', 'Olivia', 'José', 'Amélie', 'Hiroshi', 'Zoë', 'Seán', 'Ingrid'];
const LAST = ['Johnson', "D'Angelo", 'García', 'Nakamura', 'Schäfer', 'Ó Briain'];
const COMPANIES = ['', '', 'Acme Corp', 'Blue &amp; Green Ltd', 'Café Wëb SARL', '東京デザイン'];
const PRICES = [499, 995, 1595, 1999, 2995, 4900, 9999, 12000, 24999, 123456];

export interface FixtureOptions {
  source: string;
  id: number;
  /** The WHMCS server's zone. */
  timeZone?: string;
  /** Also produce what damaged or unusual installs send: zero dates, sub-cent and negative totals. */
  messy?: boolean;
  /** Forces the status (a WHMCS status name, e.g. "Paid"). */
  status?: string;
  /** Forces the currency code. */
  currency?: string;
  /** The issue date (UTC ms); random within 2022-2024 when not given. */
  issuedAt?: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const day = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};
const time = (ms: number) => `${day(ms)} ${new Date(ms).toISOString().slice(11, 19)}`;
const money = (cents: number) =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${pad(Math.abs(cents) % 100)}`;

/** One raw WHMCS record and its normalized invoice. */
export function makeInvoice(random: () => number, options: FixtureOptions): FetchedInvoice {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;
  const messy = options.messy ?? false;
  let status = options.status;
  if (status === undefined) {
    let r = random() * 100;
    for (const [name, weight] of STATUS_WEIGHTS) {
      r -= weight;
      if (r < 0) {
        status = name;
        break;
      }
    }
  }
  const [currency, prefix, suffix] =
    CURRENCIES.find(([code]) => code === options.currency) ?? pick(CURRENCIES.slice(0, messy ? 4 : 3));
  const issued = options.issuedAt ?? Date.UTC(2022, 0, 1) + Math.floor(random() * 3 * 365) * 86_400_000;
  const created = issued + Math.floor(random() * 36_000_000);
  const paid = created + Math.floor(random() * 20) * 86_400_000 + Math.floor(random() * 86_400_000);
  const subtotalCents = pick(PRICES) * (1 + Math.floor(random() * 3));
  const taxCents = chance(0.4) ? Math.round(subtotalCents * 0.19) : 0;
  const creditCents = chance(0.1) ? Math.min(subtotalCents, pick(PRICES)) : 0;
  let total = money(subtotalCents + taxCents - creditCents);
  if (messy && chance(0.05)) total = `${total}${Math.floor(random() * 90 + 10)}`; // four decimals
  if (messy && chance(0.03)) total = `-${total}`;
  const zero = (value: string) => (messy && chance(0.05) ? '0000-00-00' : value);
  const isPaid = status === 'Paid' || status === 'Refunded';
  const raw: WireInvoice = {
    id: String(options.id),
    userid: String(1 + Math.floor(random() * 5000)),
    firstname: pick(FIRST),
    lastname: pick(LAST),
    companyname: pick(COMPANIES),
    invoicenum: status === 'Draft' ? '' : `INV-${options.id}`,
    date: zero(day(issued)),
    duedate: zero(day(issued + 14 * 86_400_000)),
    datepaid: isPaid ? zero(time(paid)) : '0000-00-00 00:00:00',
    last_capture_attempt: chance(0.2) ? time(paid) : '0000-00-00 00:00:00',
    date_refunded: status === 'Refunded' && chance(0.7) ? time(paid + 5 * 86_400_000) : '0000-00-00 00:00:00',
    date_cancelled:
      status === 'Cancelled' && chance(0.7) ? time(issued + 40 * 86_400_000) : '0000-00-00 00:00:00',
    subtotal: money(subtotalCents),
    credit: money(creditCents),
    tax: money(taxCents),
    tax2: '0.00',
    total,
    taxrate: taxCents ? '19.00' : '0.00',
    taxrate2: '0.00',
    status: status!,
    paymentmethod: pick(['paypalcheckout', 'stripe', 'banktransfer', 'mailin']),
    paymethodid: chance(0.5) ? String(Math.floor(random() * 900)) : null,
    notes: chance(0.1) ? 'Renewal — thank you! Discount <b>10%</b> applied' : '',
    created_at: messy && chance(0.02) ? '0000-00-00 00:00:00' : time(created),
    updated_at: time(isPaid ? paid : created),
    currencycode: currency,
    currencyprefix: prefix,
    currencysuffix: suffix,
  };
  const invoice: Invoice = normalizeInvoice(raw, {
    source: options.source,
    timeZone: options.timeZone ?? 'UTC',
  });
  return { invoice, raw };
}

/** `count` invoices of one source with ids `firstId`, `firstId + 1`, ... */
export function makeInvoices(
  random: () => number,
  source: string,
  firstId: number,
  count: number,
  options: Partial<FixtureOptions> = {},
): FetchedInvoice[] {
  return Array.from({ length: count }, (_, i) =>
    makeInvoice(random, { ...options, source, id: firstId + i }),
  );
}

/** A changed copy of a fetched invoice, as WHMCS would send it after an edit (e.g. a payment). */
export function editInvoice(
  random: () => number,
  of: Pick<Invoice, 'source' | 'id' | 'timeZone'>,
  changes: Partial<FixtureOptions> = {},
): FetchedInvoice {
  const { source, id, timeZone } = of;
  return makeInvoice(random, { source, id, timeZone, ...changes });
}

/** Texts WHMCS installs hold in names and notes: escapes, controls, astral and lone surrogates. */
export const ODD_TEXTS = [
  '',
  '"quoted" \\ back\\slash /slash',
  '\u0000\u0001\u001f\u007f\b\f\n\r\t',
  'Zoë &amp; Ŝon 🧾 漢字',
  '\u2028\u2029',
  '\ud800',
  'lone low \udfff then high \ud83d',
  '{"not":"json"}',
  'x'.repeat(40_000), // past a page: SQLite keeps it in overflow pages
];

export function withTexts(rows: FetchedInvoice[], texts: readonly string[]): FetchedInvoice[] {
  return rows.map(({ invoice, raw }, i) => {
    const text = texts[i % texts.length]!;
    return {
      invoice: { ...invoice, notes: text, companyName: text.slice(0, 64) },
      raw: { ...raw, notes: text, companyname: text.slice(0, 64) },
    };
  });
}
