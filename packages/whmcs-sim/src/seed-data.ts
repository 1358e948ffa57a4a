import { encodeEntities } from './html-entities.ts';
import type { InvoiceStore } from './invoice-store.ts';
import { STATUS_CODE } from './invoice-store.ts';
import { firstOfNextMonth, NULL_DAY, secondsOfDay, ZERO_TIME } from './local-time.ts';
import { mulberry32 } from './prng.ts';
import type { InvoiceStatus, SimClient, SimCurrency } from './types.ts';

// Names deliberately carry what breaks naive clients: & and quotes (stored entity-encoded),
// accents, CJK and an astral emoji (a surrogate pair once JSON-escaped).
const FIXED_CLIENTS: Array<[first: string, last: string, company: string, country: string]> = [
  ['John', 'Smith', 'Smith & Sons', 'US'],
  ['Siobhán', "O'Neil", '', 'GB'],
  ['Jürgen', 'Müller', 'Müller & Söhne GmbH', 'DE'],
  ['太郎', '山田', '日本ホスティング株式会社', 'JP'],
  ['Zoë', 'Laurent', 'Rocket 🚀 Labs', 'FR'],
  ['Dana', 'Brooks', '"Ace" <Web> Hosting', 'US'],
];
export const FIRST_NAMES = [
  'Liam',
  'Olivia',
  'José',
  'Amélie',
  'Hiroshi',
  'Yuki',
  'Noah',
  'Emma',
  'Seán',
  'Chloé',
  'Luca',
  'Mia',
  'Ángel',
  'Ingrid',
  'Kenji',
  'Sofia',
];
export const LAST_NAMES = [
  'Johnson',
  "D'Angelo",
  'García',
  'Nakamura',
  'Dubois',
  'Kowalski',
  'Brown',
  'Nguyen',
  'Schäfer',
  'Rossi',
  'Ó Briain',
  'Tanaka',
  'Petrov',
  'Silva',
];
export const COMPANIES = [
  '',
  '',
  '',
  'Acme Corp',
  'Blue & Green Ltd',
  'Café Wëb SARL',
  "Jim's Servers",
  'Nordic Pixel AB',
  '東京デザイン',
  'Hosting "Pro"',
];
const COUNTRY_BY_CURRENCY: Record<string, string[]> = {
  USD: ['US', 'US', 'CA'],
  EUR: ['DE', 'FR', 'ES', 'IT', 'NL'],
  GBP: ['GB'],
};
const GATEWAYS = ['paypalcheckout', 'stripe', 'banktransfer', 'mailin'];
const NOTES = [
  'Paid by bank & wire',
  "Client's PO: 12/34",
  'Discount <b>10%</b> applied',
  'Renewal — thank you!',
  'Per "contract" 2023/7',
];
/** Prices in cents, as hosting catalogues look. */
const PRICES = [499, 995, 1595, 1999, 2995, 4900, 9999, 12000, 24999, 123456];

const DAY = 86_400;
/** Seed data spans four years up to the start of today. */
const SPAN_DAYS = 1461;

export function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** Clients 1..n with deterministic names, countries and currencies. */
export function generateClients(
  count: number,
  currencies: SimCurrency[],
  seed: number,
): Map<number, SimClient> {
  const random = mulberry32(seed ^ 0x5eed0c1e);
  const clients = new Map<number, SimClient>();
  for (let id = 1; id <= count; id++) {
    const fixed = FIXED_CLIENTS[id - 1];
    const currency =
      id <= currencies.length
        ? currencies[id - 1]!
        : random() < 0.6
          ? currencies[0]!
          : (currencies[1 + Math.floor(random() * (currencies.length - 1))] ?? currencies[0]!);
    const first = fixed?.[0] ?? pick(random, FIRST_NAMES);
    const last = fixed?.[1] ?? pick(random, LAST_NAMES);
    const company = fixed?.[2] ?? pick(random, COMPANIES);
    const country = fixed?.[3] ?? pick(random, COUNTRY_BY_CURRENCY[currency.code] ?? ['US']);
    clients.set(id, {
      id,
      firstname: encodeEntities(first),
      lastname: encodeEntities(last),
      companyname: encodeEntities(company),
      email: `client${id}@example.com`,
      country,
      currency: currency.id,
      defaultgateway: pick(random, GATEWAYS),
    });
  }
  return clients;
}

/** Tax rates in thousandths of a percent by country: [rate, rate2]. */
export function taxRates(country: string): [number, number] {
  switch (country) {
    case 'GB':
    case 'FR':
      return [20000, 0];
    case 'DE':
      return [19000, 0];
    case 'ES':
    case 'NL':
      return [21000, 0];
    case 'IT':
      return [22000, 0];
    case 'CA':
      return [5000, 9975];
    default:
      return [0, 0];
  }
}

interface SeedPlan {
  seed: number;
  invoices: number;
  orphans: number;
  clients: Map<number, SimClient>;
  clientCount: number;
  /** Today in the server's zone, as a naive day; the data ends at its first second. */
  today: number;
}

function pickStatus(random: () => number, duedate: number, today: number): InvoiceStatus {
  const r = random();
  if (duedate >= today - 3) {
    // Recent: mostly still open.
    if (r < 0.55) return 'Unpaid';
    if (r < 0.88) return 'Paid';
    if (r < 0.94) return 'Draft';
    return 'Payment Pending';
  }
  if (r < 0.78) return 'Paid';
  if (r < 0.86) return 'Cancelled';
  if (r < 0.9) return 'Refunded';
  if (r < 0.94) return 'Unpaid';
  if (r < 0.96) return 'Collections';
  if (r < 0.98) return 'Draft';
  return 'Payment Pending';
}

/**
 * Fills the store with `plan.invoices` rows, ids in creation order over the four years before today.
 * Due dates cluster (half fall on the 1st of a month, as recurring billing does), so the default
 * `status DESC, duedate` order has many ties.
 */
export function generateInvoices(store: InvoiceStore, plan: SeedPlan): void {
  const { invoices: n, today } = plan;
  const random = mulberry32(plan.seed);
  store.reserve(n);
  for (const gateway of GATEWAYS) store.gatewayCode(gateway);
  const start = secondsOfDay(today - SPAN_DAYS);
  const end = secondsOfDay(today) - 1;
  const step = (end - start) / Math.max(n, 1);
  const orphanStride = plan.orphans > 0 ? n / plan.orphans : 0;
  let nextOrphan = plan.orphans > 0 ? Math.floor(orphanStride / 2) : -1;
  let orphanIndex = 0;
  const nullDueAt = n >= 20 ? Math.floor(n * 0.37) : -1;
  const nullDatesAt = n >= 20 ? Math.floor(n * 0.61) : -1;
  const preTimestampRows = Math.floor(n * 0.05);

  for (let i = 0; i < n; i++) {
    const id = store.allocate();
    let userid: number;
    if (i === nextOrphan) {
      userid = plan.clientCount + 1 + (orphanIndex % 3);
      orphanIndex++;
      nextOrphan = orphanIndex < plan.orphans ? Math.floor(orphanStride * (orphanIndex + 0.5)) : -1;
    } else {
      userid = 1 + Math.floor(random() * plan.clientCount);
    }
    const client = plan.clients.get(userid);
    const created = Math.floor(start + step * (i + random() * 0.9));
    const day = Math.floor(created / DAY);
    const terms = random();
    let due = day + (terms < 0.7 ? 7 : terms < 0.9 ? 14 : 30);
    if (random() < 0.5) due = firstOfNextMonth(day + 6);
    let status = pickStatus(random, due, today);

    // Money: 0-3 items from the catalogue; no items means a zero draft.
    const itemCount = random() < 0.01 ? 0 : 1 + Math.floor(random() * 3);
    if (itemCount === 0) status = 'Draft';
    let subtotal = 0;
    for (let k = 0; k < itemCount; k++) subtotal += pick(random, PRICES);
    const [rate, rate2] = taxRates(client?.country ?? 'US');
    const tax = Math.round((subtotal * rate) / 100_000);
    const tax2 = Math.round((subtotal * rate2) / 100_000);
    let credit = 0;
    const creditRoll = random();
    if (creditRoll < 0.01) credit = subtotal + tax + tax2;
    else if (creditRoll < 0.06) credit = Math.floor(random() * (subtotal + tax + tax2));

    store.userid[id] = userid;
    store.date[id] = day;
    store.duedate[id] = due;
    if (i === nullDueAt) {
      store.duedate[id] = NULL_DAY;
      status = 'Draft';
    }
    if (i === nullDatesAt) {
      store.date[id] = NULL_DAY;
      store.duedate[id] = NULL_DAY;
      status = 'Draft';
    }
    store.subtotal[id] = subtotal;
    store.tax[id] = tax;
    store.tax2[id] = tax2;
    store.credit[id] = credit;
    store.total[id] = subtotal + tax + tax2 - credit;
    store.taxrate[id] = rate;
    store.taxrate2[id] = rate2;
    store.status[id] = STATUS_CODE[status];
    const gateway = random() < 0.8 ? (client?.defaultgateway ?? GATEWAYS[0]!) : pick(random, GATEWAYS);
    store.paymentmethod[id] = store.gatewayCode(gateway);

    const clamp = (seconds: number) => Math.min(seconds, end);
    let last = created;
    if (status === 'Paid' || status === 'Refunded') {
      const paid = clamp(created + Math.floor(random() * 10 * DAY));
      store.datepaid[id] = paid;
      last = paid;
      // Installs switch sequential paid numbering on at some point; older paid rows have none.
      if (i >= preTimestampRows * 2) store.invoicenum[id] = store.nextInvoiceNum++;
      if (status === 'Refunded') {
        const refunded = clamp(paid + DAY + Math.floor(random() * 30 * DAY));
        store.dateRefunded[id] = refunded;
        last = refunded;
      }
      if (gateway === 'stripe') {
        store.paymethodid[id] = userid * 10 + 1;
        store.lastCaptureAttempt[id] = paid;
      }
    } else if (status === 'Cancelled') {
      const cancelled = clamp(created + Math.floor(random() * 20 * DAY));
      store.dateCancelled[id] = cancelled;
      last = cancelled;
    } else if (status === 'Unpaid' && gateway === 'stripe' && random() < 0.5) {
      const attempt = clamp(secondsOfDay(due) + 3600 * 3);
      if (attempt > created) {
        store.lastCaptureAttempt[id] = attempt;
        last = attempt;
      }
    }
    if (random() < 0.03) store.notes.set(id, encodeEntities(pick(random, NOTES)));
    // Rows created before WHMCS 8 added the timestamps hold the zero datetime.
    if (i < preTimestampRows) {
      store.createdAt[id] = ZERO_TIME;
      store.updatedAt[id] = ZERO_TIME;
    } else {
      store.createdAt[id] = created;
      store.updatedAt[id] = clamp(last + Math.floor(random() * 60));
    }
  }
  store.generation++;
}
