import { encodeEntities } from '../html-entities.ts';
import { hashMix, mulberry32 } from '../prng.ts';
import { COMPANIES, FIRST_NAMES, LAST_NAMES, pick, taxRates } from '../seed-data.ts';
import type { SimClient } from '../types.ts';
import { addMonths, DAY_SECONDS, dayOfMonthIndex, dayOfText, monthIndexOf } from './calendar.ts';
import type { ColumnBuffer } from './world-columns.ts';
import {
  GATEWAY_BANK,
  GATEWAY_STRIPE,
  KIND_ADD_FUNDS,
  KIND_MASS_PAY,
  KIND_ORDER,
  KIND_RENEWAL,
  KIND_UPGRADE,
  WORLD_GATEWAYS,
} from './world-columns.ts';
import type { Cycle, WorldOptions } from './world-options.ts';
import { CYCLE_MONTHS, CYCLES } from './world-options.ts';
import type { RatePath } from './world-rates.ts';
import { normal, rateOn } from './world-rates.ts';

// Every random choice is drawn from a stream owned by what it concerns (a month's acquisitions, a
// client, a series), consumed in time order. So a change dated after T (a longer history, a later
// price change) cannot alter any draw that decided something at or before T: the property the
// as-of tests check.

const SALT_ACQUISITION = 0xac9;
const SALT_CLIENT = 0xc11e;
const SALT_SERIES = 0x5e71e5;
/** Series ids are clientId * SERIES_PER_CLIENT + n: stable whatever happens to other clients. */
export const SERIES_PER_CLIENT = 32;

export const PAYER_ON_TIME = 0;
export const PAYER_LATE = 1;
export const PAYER_VERY_LATE = 2;
export const PAYER_NEVER = 3;

const GATEWAYS = WORLD_GATEWAYS;

/** Monthly catalogue prices in base-currency cents, cheap shared hosting most often. */
const HOSTING_MONTHLY = [399, 499, 699, 999, 1499, 1999, 2999, 4999, 9999, 19999];
const HOSTING_WEIGHTS = [14, 16, 14, 12, 10, 8, 8, 6, 4, 2];
/** Domain prices per year. */
const DOMAIN_YEARLY = [899, 1199, 1499, 1999, 2999, 4999];
const DOMAIN_WEIGHTS = [10, 30, 25, 15, 12, 8];
/** Longer cycles are cheaper per month (HOSTING-WORLDS.md section 5: 27-33% for 3 years). */
const CYCLE_DISCOUNT: Readonly<Record<number, number>> = {
  1: 1,
  3: 0.97,
  6: 0.93,
  12: 0.85,
  24: 0.78,
  36: 0.7,
};
const ADD_FUNDS = [2500, 5000, 10000, 25000];

const EVENT_CREATE = 0;
const EVENT_PAY = 1;
const EVENT_CANCEL = 2;
const EVENT_TERMINATE = 3;
const EVENT_UPGRADE = 4;
const EVENT_ADD_FUNDS = 5;
const EVENT_CREDIT = 6;
const EVENT_CROSS_SELL = 7;

/** A client's pending events, ordered by time then insertion: a binary heap over parallel arrays. */
class EventQueue {
  private times: number[] = [];
  private seqs: number[] = [];
  private types: number[] = [];
  private args: number[] = [];
  private seq = 0;
  size = 0;

  clear(): void {
    this.size = 0;
    this.seq = 0;
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a]!;
    const tb = this.times[b]!;
    return ta < tb || (ta === tb && this.seqs[a]! < this.seqs[b]!);
  }

  private swap(a: number, b: number): void {
    const { times, seqs, types, args } = this;
    [times[a], times[b]] = [times[b]!, times[a]!];
    [seqs[a], seqs[b]] = [seqs[b]!, seqs[a]!];
    [types[a], types[b]] = [types[b]!, types[a]!];
    [args[a], args[b]] = [args[b]!, args[a]!];
  }

  push(time: number, type: number, arg: number): void {
    let i = this.size++;
    this.times[i] = time;
    this.seqs[i] = this.seq++;
    this.types[i] = type;
    this.args[i] = arg;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  peekTime(): number {
    return this.times[0]!;
  }

  /** Removes the first event; returns [time, type, arg]. */
  pop(out: [number, number, number]): void {
    out[0] = this.times[0]!;
    out[1] = this.types[0]!;
    out[2] = this.args[0]!;
    const last = --this.size;
    if (last > 0) {
      this.times[0] = this.times[last]!;
      this.seqs[0] = this.seqs[last]!;
      this.types[0] = this.types[last]!;
      this.args[0] = this.args[last]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < last && this.less(l, m)) m = l;
        if (r < last && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
  }
}

interface Series {
  id: number;
  random: () => number;
  /** The series' stream in the alternative future (redraws of outcomes still open at its start). */
  alt: () => number;
  months: number;
  /** A domain-only bundle (domain renewal rates and lead). */
  domain: boolean;
  /** Renewal probabilities of this bundle. */
  first: number;
  later: number;
  /** Due day of invoice 0 (the order), from which every due date is counted. */
  anchor: number;
  /** Index of the next invoice to create (0 = order, k = k-th renewal). */
  k: number;
  /** Renewals counted from here are "later" ones (an existing book at the start is past its first). */
  tenured: boolean;
  /** Price at signup, client currency cents, before upgrades. */
  price: number;
  signupDay: number;
  /** The order invoice that started the bundle (-1 for the book at the start). */
  orderRow: number;
  level: number;
  lead: number;
  open: number[];
  done: boolean;
  /** Waiting for a payment before the next invoice (Continuous Invoice Generation off). */
  waiting: boolean;
}

/** What the generator records about each series for the truth table. */
export interface SeriesRecord {
  cycle: number;
  first: number;
  later: number;
  userid: number;
  domain: boolean;
  /** Day the bundle was ordered (the start day for the book that predates the history). */
  startDay: number;
  existing: boolean;
  /** The client's payer type code. */
  payer: number;
}

export interface GeneratorContext {
  options: WorldOptions;
  buffer: ColumnBuffer;
  clients: Map<number, SimClient>;
  rates: RatePath[];
  startDay: number;
  startSeconds: number;
  endSeconds: number;
  /** With an alternative future: its first naive second and seed (every draw from then on is another). */
  altFrom: number;
  altSeed: number;
  /** Renewal probability that ends up on each series, for the truth table. */
  seriesTruth: Map<number, SeriesRecord>;
}

function poisson(random: () => number, mean: number): number {
  // Knuth: the means here are small (a few services per client).
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

function weighted(random: () => number, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

/** A catalogue-looking price: whole units minus one cent once above a few units. */
function pretty(cents: number): number {
  if (cents < 500) return Math.max(1, Math.round(cents));
  return Math.round(cents / 100) * 100 - 1;
}

const COUNTRIES: Readonly<Record<string, string[]>> = {
  USD: ['US', 'US', 'US', 'CA'],
  EUR: ['DE', 'FR', 'ES', 'IT', 'NL'],
  GBP: ['GB'],
};

/**
 * Simulates one client's whole life (its services, invoices, payments) as a small discrete-event
 * simulation, appending its invoices to the buffer in the order they are decided.
 */
export class ClientSimulator {
  private readonly queue = new EventQueue();
  private readonly event: [number, number, number] = [0, 0, 0];
  private series: Series[] = [];
  private openInvoices: number[] = [];
  private balance = 0;
  private random: () => number = mulberry32(0);
  private alt: () => number = mulberry32(0);
  /** Time of the decision being made: draws at or after `ctx.altFrom` come from the alternative streams. */
  private now = 0;
  private payer = 0;
  private gateway = 0;
  private userid = 0;
  private currencyIndex = 0;
  private taxrate = 0;
  private taxrate2 = 0;
  private readonly cron: number;
  private readonly priceChanges: Array<{ day: number; factor: number; all: boolean }>;
  private readonly cycleWeights: number[];
  /** Cycle weights of the book at the start: new-order weights times expected lifetime (its steady state). */
  private readonly bookWeights: number[];
  private readonly payerWeights: number[];
  private readonly currencyWeights: number[];

  constructor(private readonly ctx: GeneratorContext) {
    const { options } = ctx;
    this.cron = options.invoicing.cronHour * 3600;
    this.priceChanges = options.priceChanges
      .map((c) => ({ day: dayOfText(c.date), factor: 1 + c.percent / 100, all: c.appliesTo === 'all' }))
      .sort((a, b) => a.day - b.day);
    this.cycleWeights = CYCLES.map((c) => options.services.cycleMix[c]);
    this.bookWeights = CYCLES.map(
      (c) => options.services.cycleMix[c] * (CYCLE_MONTHS[c] / Math.max(0.01, 1 - options.renewal[c].later)),
    );
    const mix = options.payers.mix;
    this.payerWeights = [mix['on-time'], mix.late, mix['very-late'], mix.never];
    this.currencyWeights = options.currencies.map((c) => c.share);
  }

  /** Simulates client `userid`, who signed up at `signupAt` (or is part of the book at the start). */
  run(userid: number, signupAt: number, existing: boolean): void {
    const { ctx } = this;
    const { options } = ctx;
    this.queue.clear();
    this.series = [];
    this.openInvoices = [];
    this.balance = 0;
    this.userid = userid;
    this.now = signupAt;
    [this.random, this.alt] = this.streams(hashMix(options.seed, SALT_CLIENT, userid));
    const random = this.random;

    this.currencyIndex = weighted(random, this.currencyWeights);
    const currency = options.currencies[this.currencyIndex]!;
    const country = pick(random, COUNTRIES[currency.code] ?? ['US']);
    [this.taxrate, this.taxrate2] = taxRates(country);
    // The book at the start pays (or it would not be a book); 'never' payers are new orders.
    const weights = existing ? this.payerWeights.slice(0, 3) : this.payerWeights;
    this.payer = weights.every((w) => w === 0) ? PAYER_ON_TIME : weighted(random, weights);
    this.gateway =
      this.payer === PAYER_ON_TIME
        ? GATEWAY_STRIPE
        : this.payer === PAYER_NEVER
          ? Math.floor(random() * GATEWAYS.length)
          : random() < 0.7
            ? GATEWAY_BANK
            : 2 + Math.floor(random() * 2);
    const first = pick(random, FIRST_NAMES);
    const last = pick(random, LAST_NAMES);
    const company = pick(random, COMPANIES);
    ctx.clients.set(userid, {
      id: userid,
      firstname: encodeEntities(first),
      lastname: encodeEntities(last),
      companyname: encodeEntities(company),
      email: `client${userid}@example.com`,
      country,
      currency: this.currencyIndex + 1,
      defaultgateway: GATEWAYS[this.gateway]!,
    });

    const signupDay = Math.floor(signupAt / DAY_SECONDS);
    const january = monthIndexOf(signupDay) % 12 === 0;
    const services = 1 + poisson(random, options.services.perClient - 1);
    const domains = poisson(random, options.services.domainsPerClient);
    // Items bought together on the same cycle fall due together: WHMCS bills them on one invoice.
    const bundles = new Map<number, { price: number; domain: boolean }>();
    for (let i = 0; i < services; i++) {
      const months = existing
        ? CYCLE_MONTHS[CYCLES[weighted(random, this.bookWeights)]!]
        : this.drawCycle(random, january);
      const bundle = bundles.get(months) ?? { price: 0, domain: false };
      bundle.price += this.hostingPrice(random, months, signupDay);
      bundles.set(months, bundle);
    }
    for (let i = 0; i < domains; i++) {
      const months = random() < 0.1 ? 24 : 12;
      const bundle = bundles.get(months) ?? { price: 0, domain: true };
      bundle.price += this.domainPrice(random, months, signupDay);
      bundles.set(months, bundle);
    }
    const made: Series[] = [];
    for (const [months, bundle] of [...bundles].sort((a, b) => a[0] - b[0])) {
      made.push(this.addSeries(months, bundle.domain, bundle.price, signupDay, existing));
    }

    if (existing) {
      // The book predates the history: place each bundle's next due date after the start, January-heavy for long cycles.
      for (const s of made) {
        s.anchor = this.existingAnchor(s, random);
        this.queue.push(this.createTime(s), EVENT_CREATE, this.series.indexOf(s));
      }
    } else {
      this.createOrder(made, signupAt);
    }
    if (options.services.crossSellPerYear > 0) this.scheduleCrossSell(signupAt);
    if (random() < options.events.addFundsClients && this.payer !== PAYER_NEVER) {
      this.queue.push(signupAt + Math.floor(-Math.log(1 - random()) * 60 * DAY_SECONDS), EVENT_ADD_FUNDS, 0);
    }
    this.loop();
  }

  private drawCycle(random: () => number, boostAnnual: boolean): number {
    const weights = boostAnnual
      ? CYCLES.map(
          (c, i) =>
            this.cycleWeights[i]! *
            (CYCLE_MONTHS[c] >= 12 ? this.ctx.options.acquisition.januaryAnnualBoost : 1),
        )
      : this.cycleWeights;
    return CYCLE_MONTHS[CYCLES[weighted(random, weights)]!];
  }

  /** Catalogue factor for new orders on `day`: every price change dated on or before it. */
  private catalogueFactor(day: number): number {
    let factor = 1;
    for (const change of this.priceChanges) if (change.day <= day) factor *= change.factor;
    return factor;
  }

  /** Factor applied to an existing service at `day`: the 'all' changes after its signup. */
  private repriceFactor(signupDay: number, day: number): number {
    let factor = 1;
    for (const change of this.priceChanges) {
      if (change.all && change.day > signupDay && change.day <= day) factor *= change.factor;
    }
    return factor;
  }

  private toCurrency(baseCents: number, day: number): number {
    const { options, rates } = this.ctx;
    const currency = options.currencies[this.currencyIndex]!;
    if (this.currencyIndex === 0) return baseCents;
    const path = rates[this.currencyIndex]!;
    const rate = options.autoUpdateProductPrices ? rateOn(path, day) / rateOn(rates[0]!, day) : currency.rate;
    return baseCents * rate;
  }

  private hostingPrice(random: () => number, months: number, day: number): number {
    const monthly = HOSTING_MONTHLY[weighted(random, HOSTING_WEIGHTS)]!;
    const base = monthly * months * (CYCLE_DISCOUNT[months] ?? 1) * this.catalogueFactor(day);
    return pretty(this.toCurrency(base, day));
  }

  private domainPrice(random: () => number, months: number, day: number): number {
    const yearly = DOMAIN_YEARLY[weighted(random, DOMAIN_WEIGHTS)]!;
    return pretty(this.toCurrency((yearly * months * this.catalogueFactor(day)) / 12, day));
  }

  private addSeries(
    months: number,
    domain: boolean,
    price: number,
    signupDay: number,
    existing: boolean,
  ): Series {
    const { options } = this.ctx;
    const n = this.series.length;
    if (n >= SERIES_PER_CLIENT) throw new RangeError('too many series for one client');
    const id = this.userid * SERIES_PER_CLIENT + n;
    const cycle = CYCLES.find((c) => CYCLE_MONTHS[c] === months)! as Cycle;
    const pair = domain ? options.renewal.domain : options.renewal[cycle];
    const lead = domain
      ? (options.invoicing.domainLeadDays ?? options.invoicing.leadDays)
      : (options.invoicing.leadDaysByCycle[cycle] ?? options.invoicing.leadDays);
    const s: Series = {
      id,
      ...this.seriesStreams(hashMix(options.seed, SALT_SERIES, id)),
      months,
      domain,
      first: pair.first,
      later: pair.later,
      anchor: signupDay,
      k: 0,
      tenured: existing,
      price,
      signupDay,
      orderRow: -1,
      level: 1,
      lead,
      open: [],
      done: false,
      waiting: false,
    };
    this.series.push(s);
    this.ctx.seriesTruth.set(id, {
      cycle: months,
      first: pair.first,
      later: pair.later,
      userid: this.userid,
      domain,
      startDay: signupDay,
      existing,
      payer: this.payer,
    });
    return s;
  }

  /**
   * A stream and its alternative-future twin. Without an alternative future the stream is plain;
   * with one, every draw made at or after its start comes from the twin instead.
   */
  private streams(hash: number): [random: () => number, alt: () => number] {
    const original = mulberry32(hash);
    const { altFrom, altSeed } = this.ctx;
    if (altFrom === Number.POSITIVE_INFINITY) return [original, original];
    const alt = mulberry32(hashMix(altSeed, hash));
    return [() => (this.now >= altFrom ? alt() : original()), alt];
  }

  private seriesStreams(hash: number): { random: () => number; alt: () => number } {
    const [random, alt] = this.streams(hash);
    return { random, alt };
  }

  private existingAnchor(s: Series, random: () => number): number {
    const { startDay } = this.ctx;
    const { options } = this.ctx;
    const earliest = startDay + s.lead;
    if (s.months < 12) return earliest + Math.floor(random() * s.months * 30.4);
    // Long cycles renew in the month they were bought: January-heavy, like acquisitions.
    const seasonality = options.acquisition.seasonality.map(
      (w, m) => w * (m === 0 ? options.acquisition.januaryAnnualBoost : 1),
    );
    const month = weighted(random, seasonality);
    const startMonth = monthIndexOf(startDay);
    const yearStart = startMonth - (startMonth % 12);
    let anchor = dayOfMonthIndex(yearStart + month) + Math.floor(random() * 28);
    while (anchor < earliest) anchor = addMonths(anchor, 12);
    return addMonths(anchor, 12 * Math.floor(random() * (s.months / 12)));
  }

  private dueOf(s: Series, k: number): number {
    return addMonths(s.anchor, k * s.months);
  }

  /** When the cron generates invoice k of the series: its due date minus the lead, at the cron hour. */
  private createTime(s: Series): number {
    const due = this.dueOf(s, s.k);
    // The cron works through the day's invoices over a few minutes.
    return (due - s.lead) * DAY_SECONDS + this.cron + (s.id % 600);
  }

  /** The first cron run after `t` (when Continuous Invoice Generation off lets the next invoice through). */
  private nextCron(t: number): number {
    const day = Math.floor(t / DAY_SECONDS);
    const today = day * DAY_SECONDS + this.cron;
    return today > t ? today : today + DAY_SECONDS;
  }

  private renewalProbability(s: Series, k: number): number {
    return k <= 1 && !s.tenured ? s.first : s.later;
  }

  private scheduleCrossSell(from: number): void {
    const perYear = this.ctx.options.services.crossSellPerYear;
    const wait = (1 - Math.log(1 - this.random()) * (365 / perYear)) * DAY_SECONDS;
    this.queue.push(Math.floor(from + wait), EVENT_CROSS_SELL, 0);
  }

  private newInvoice(
    kind: number,
    s: Series | null,
    createdAt: number,
    dueDay: number,
    subtotal: number,
    taxed: boolean,
  ): number {
    const row = this.ctx.buffer.push();
    const cols = this.ctx.buffer.columns;
    cols.userid[row] = this.userid;
    cols.series[row] = s ? s.id : -1;
    cols.cycle[row] = s ? s.months : 0;
    cols.kind[row] = kind;
    cols.createdAt[row] = createdAt;
    cols.dueDay[row] = dueDay;
    cols.subtotal[row] = subtotal;
    const rate = taxed ? this.taxrate : 0;
    const rate2 = taxed ? this.taxrate2 : 0;
    cols.taxrate[row] = rate;
    cols.taxrate2[row] = rate2;
    cols.tax[row] = Math.round((subtotal * rate) / 100_000);
    cols.tax2[row] = Math.round((subtotal * rate2) / 100_000);
    cols.gateway[row] = this.gateway;
    if (this.gateway === GATEWAY_STRIPE) cols.paymethodid[row] = this.userid * 10 + 1;
    cols.payer[row] = this.payer;
    if (kind !== KIND_MASS_PAY && kind !== KIND_ADD_FUNDS && this.balance > 0) {
      const gross = subtotal + cols.tax[row]! + cols.tax2[row]!;
      const credit = Math.min(this.balance, gross);
      cols.credit[row] = credit;
      this.balance -= credit;
    }
    this.openInvoices.push(row);
    if (s) s.open.push(row);
    return row;
  }

  private gross(row: number): number {
    const cols = this.ctx.buffer.columns;
    return cols.subtotal[row]! + cols.tax[row]! + cols.tax2[row]!;
  }

  /** Decides how an order, renewal or upgrade invoice ends: paid (when), or cancelled (when). */
  private settle(
    row: number,
    random: () => number,
    order: boolean,
    churnShare: number,
    alt: () => number,
  ): void {
    const cols = this.ctx.buffer.columns;
    const created = cols.createdAt[row]!;
    if (cols.credit[row] === this.gross(row)) {
      // Credit covered it: WHMCS marks it paid on creation.
      cols.paidAt[row] = created;
      cols.payProbability[row] = 1;
      this.queue.push(created, EVENT_PAY, row);
      return;
    }
    const payP = this.drawOutcome(row, random, order);
    cols.payProbability[row] = churnShare > 0 ? payP * (1 - churnShare) : payP;
    // In an alternative future, an invoice still open at its start gets a fresh outcome, drawn
    // from its law given that it was still open then (rejection keeps the conditioning exact).
    if (created < this.ctx.altFrom && this.firstChange(row) >= this.ctx.altFrom) {
      for (let i = 0; i < 1000; i++) {
        this.unschedulePayment(row);
        cols.cancelledAt[row] = 0;
        cols.captureFrom[row] = 0;
        this.drawOutcome(row, alt, order);
        if (this.firstChange(row) >= this.ctx.altFrom) break;
      }
    }
    this.scheduleOutcome(row);
  }

  /** The first change anyone could see after creation: Payment Pending, paid or cancelled. */
  private firstChange(row: number): number {
    const cols = this.ctx.buffer.columns;
    return cols.pendingAt[row] || cols.paidAt[row] || cols.cancelledAt[row]!;
  }

  /** Draws the outcome into the row's columns; returns P(paid) of the payer's law. */
  private drawOutcome(row: number, random: () => number, order: boolean): number {
    const { options } = this.ctx;
    const cols = this.ctx.buffer.columns;
    const created = cols.createdAt[row]!;
    const dueAt = cols.dueDay[row]! * DAY_SECONDS + this.cron;
    const cancelAfter = options.payers.unpaidCancelAfterDays * DAY_SECONDS;
    const payers = options.payers;
    let payP: number;
    let paidAt = 0;
    let cancelAt = 0;
    const u = random();
    const z = normal(random);
    const v = random();
    switch (this.payer) {
      case PAYER_ON_TIME: {
        const { declineRate, recoveryRate } = payers.onTime;
        const capture = order ? created + 30 : Math.max(dueAt, created);
        cols.captureFrom[row] = capture;
        payP = order ? 1 : 1 - declineRate * (1 - recoveryRate);
        if (order || u >= declineRate) paidAt = capture + 30 + Math.floor(v * 1800);
        else if (v < recoveryRate)
          paidAt = capture + (2 + Math.floor((u / declineRate) * 11)) * DAY_SECONDS + 60;
        else cancelAt = dueAt + cancelAfter;
        break;
      }
      case PAYER_LATE:
      case PAYER_VERY_LATE: {
        const law = this.payer === PAYER_LATE ? payers.late : payers.veryLate;
        payP = 1 - law.defaultRate;
        if (u < law.defaultRate) cancelAt = dueAt + cancelAfter;
        else if (order) {
          // An order is paid when placed or within days: the lateness shows on renewals.
          const days = (this.payer === PAYER_LATE ? 0.3 : 2) * Math.exp(z);
          paidAt = created + 300 + Math.floor(days * DAY_SECONDS);
        } else {
          const days = law.medianDays * Math.exp(law.sigma * z) - payers.earlyDays;
          paidAt = Math.max(created + 600, dueAt + Math.floor(days * DAY_SECONDS) + Math.floor(v * 3600 * 8));
        }
        break;
      }
      default:
        payP = 0;
        cancelAt = dueAt + cancelAfter;
    }
    if (paidAt > 0) {
      cols.paidAt[row] = paidAt;
      if (this.gateway === GATEWAY_BANK && random() < payers.paymentPendingShare) {
        cols.pendingAt[row] = Math.max(created + 60, paidAt - Math.floor((1 + random() * 3) * DAY_SECONDS));
      }
      if (order && random() < options.events.refundRate) {
        cols.refundedAt[row] = paidAt + Math.floor((1 + random() * 29) * DAY_SECONDS);
      } else if (this.gateway === GATEWAY_STRIPE && random() < options.events.chargebackRate) {
        cols.collectionsAt[row] = paidAt + Math.floor((20 + random() * 55) * DAY_SECONDS);
      }
    } else cols.cancelledAt[row] = cancelAt;
    return payP;
  }

  /** Queues the events of a decided outcome: the payment (or cancellation), a refund or chargeback ending the service. */
  private scheduleOutcome(row: number): void {
    const cols = this.ctx.buffer.columns;
    if (cols.paidAt[row] !== 0) {
      this.queue.push(cols.paidAt[row]!, EVENT_PAY, row);
      if (cols.refundedAt[row] !== 0) this.queue.push(cols.refundedAt[row]!, EVENT_TERMINATE, row);
      else if (cols.collectionsAt[row] !== 0) this.queue.push(cols.collectionsAt[row]!, EVENT_TERMINATE, row);
    } else if (cols.cancelledAt[row] !== 0) this.queue.push(cols.cancelledAt[row]!, EVENT_CANCEL, row);
  }

  private createOrder(bundles: Series[], at: number): void {
    const day = Math.floor(at / DAY_SECONDS);
    let subtotal = 0;
    for (const s of bundles) subtotal += s.price;
    const row = this.newInvoice(
      KIND_ORDER,
      bundles.length === 1 ? bundles[0]! : null,
      at,
      day,
      subtotal,
      true,
    );
    for (const s of bundles) {
      s.k = 1;
      s.waiting = true;
      s.orderRow = row;
      if (bundles.length > 1) s.open.push(row);
    }
    if (bundles.length === 1) this.ctx.buffer.columns.renewProbability[row] = bundles[0]!.first;
    this.settle(row, this.random, true, 0, this.alt);
  }

  private createRenewal(s: Series, at: number): void {
    const { options } = this.ctx;
    const { random } = s;
    const r = this.renewalProbability(s, s.k);
    const renews = random() < r;
    const showsInvoice = random() < options.renewal.cancelledInvoiceShare;
    if (!renews && !showsInvoice) {
      s.done = true;
      return;
    }
    const due = this.dueOf(s, s.k);
    const day = Math.floor(at / DAY_SECONDS);
    const amount = Math.round(s.price * s.level * this.repriceFactor(s.signupDay, day));
    const row = this.newInvoice(KIND_RENEWAL, s, at, due, amount, true);
    const cols = this.ctx.buffer.columns;
    cols.renewProbability[row] = this.renewalProbability(s, s.k + 1);
    // P(this invoice is a churner's | it was generated): churners reach here only with showsInvoice.
    const q = options.renewal.cancelledInvoiceShare;
    const churnShare = ((1 - r) * q) / (r + (1 - r) * q);
    if (renews) {
      this.settle(row, random, false, churnShare, s.alt);
      const window = this.cancelWindow(due, at);
      if (
        at < this.ctx.altFrom &&
        at + window > this.ctx.altFrom &&
        cols.paidAt[row] !== at &&
        this.firstChange(row) >= this.ctx.altFrom
      ) {
        // Alternative future: a renewer still open at its start may be a leaver after all (the
        // same redraw as a leaver's below: which of the two it is, given that it was still open).
        // Its draws of an upgrade below stay as they were: one may already be in the past.
        // (Only while a leaver's invoice could still be open: a week past its due date at most.)
        const cancelAt = this.forkRenewal(row, s, r, at, window);
        if (cancelAt !== 0) {
          this.unschedulePayment(row);
          cols.cancelledAt[row] = cancelAt;
          this.queue.push(cancelAt, EVENT_CANCEL, row);
        } else this.scheduleOutcome(row);
      }
    } else if (cols.credit[row] === this.gross(row)) {
      // Credit paid it the moment it was created: the cancellation request came too late.
      this.settle(row, random, false, churnShare, s.alt);
    } else {
      // The client asks to cancel at the end of the term: WHMCS cancels the unpaid invoice.
      this.settle(row, random, false, churnShare, s.alt);
      const window = this.cancelWindow(due, at);
      let cancelAt = at + Math.floor(random() * window);
      if (at < this.ctx.altFrom && cancelAt >= this.ctx.altFrom) {
        // Alternative future: a leaver still open at its start may renew after all, or cancel at another time.
        cancelAt = this.forkRenewal(row, s, r, at, window);
      }
      if (cancelAt !== 0) {
        this.unschedulePayment(row);
        cols.cancelledAt[row] = cancelAt;
        this.queue.push(cancelAt, EVENT_CANCEL, row);
      } else this.scheduleOutcome(row);
    }
    if (cols.paidAt[row] === at) {
      // Paid from credit at creation: nothing more to decide.
    } else if (renews && random() < options.services.upgradeRate) {
      const span = (addMonths(due, s.months) - day) * DAY_SECONDS;
      this.queue.push(at + Math.floor(random() * span * 0.8), EVENT_UPGRADE, this.series.indexOf(s));
    } else if (renews && random() < options.services.downgradeRate) {
      s.level *= 0.5 + random() * 0.3;
    }
    s.k++;
    s.waiting = true;
    if (options.invoicing.continuous) this.scheduleNext(s, at);
  }

  /** A leaver's renewal invoice is cancelled at a uniform time from its creation to a week past due. */
  private cancelWindow(due: number, at: number): number {
    return Math.max(DAY_SECONDS, due * DAY_SECONDS + this.cron + 7 * DAY_SECONDS - at);
  }

  /**
   * A renewal invoice created before an alternative future and still open at its start: whether
   * its series renews is drawn again, given only that the invoice was still open then (rejection
   * over the prior P(renews | an invoice was generated) and each kind's law of staying open).
   * Returns the leaver's cancel time, or 0 when it renews (its new outcome is in the columns).
   */
  private forkRenewal(row: number, s: Series, r: number, at: number, window: number): number {
    const cols = this.ctx.buffer.columns;
    const q = this.ctx.options.renewal.cancelledInvoiceShare;
    const stays = r / (r + (1 - r) * q);
    const lastResort = at + window; // a week past due: used only if no draw is accepted
    for (let i = 0; i < 1000; i++) {
      if (s.alt() < stays) {
        this.unschedulePayment(row);
        cols.cancelledAt[row] = 0;
        cols.captureFrom[row] = 0;
        this.drawOutcome(row, s.alt, false);
        if (this.firstChange(row) >= this.ctx.altFrom) return 0;
      } else {
        const again = at + Math.floor(s.alt() * window);
        if (again >= this.ctx.altFrom) return again;
      }
    }
    return lastResort;
  }

  /** Forgets a decided payment (the invoice will be cancelled instead). */
  private unschedulePayment(row: number): void {
    const cols = this.ctx.buffer.columns;
    cols.paidAt[row] = 0;
    cols.pendingAt[row] = 0;
    cols.refundedAt[row] = 0;
    cols.collectionsAt[row] = 0;
  }

  private scheduleNext(s: Series, after: number): void {
    if (s.done) return;
    const when = Math.max(
      this.createTime(s),
      this.ctx.options.invoicing.continuous ? after + 1 : this.nextCron(after),
    );
    this.queue.push(when, EVENT_CREATE, this.series.indexOf(s));
  }

  private isOpen(row: number, t: number): boolean {
    const cols = this.ctx.buffer.columns;
    const paid = cols.paidAt[row]!;
    const cancelled = cols.cancelledAt[row]!;
    return (paid === 0 || paid > t) && (cancelled === 0 || cancelled > t) && cols.createdAt[row]! <= t;
  }

  private onPaid(row: number, t: number): void {
    const cols = this.ctx.buffer.columns;
    const seriesId = cols.series[row]!;
    const kind = cols.kind[row]!;
    if (kind === KIND_UPGRADE || kind === KIND_ADD_FUNDS || kind === KIND_MASS_PAY) return;
    for (const s of this.series) {
      if (s.done || !s.waiting) continue;
      if (seriesId === s.id || (seriesId === -1 && s.orderRow === row)) {
        s.waiting = false;
        s.open = s.open.filter((r) => r !== row);
        if (!this.ctx.options.invoicing.continuous || kind === KIND_ORDER) this.scheduleNext(s, t);
      }
    }
  }

  private massPay(row: number, t: number): boolean {
    const { options } = this.ctx;
    if (this.payer !== PAYER_LATE && this.payer !== PAYER_VERY_LATE) return false;
    const cols = this.ctx.buffer.columns;
    const others = this.openInvoices.filter(
      (r) => r !== row && this.isOpen(r, t) && cols.paidAt[r]! > t && cols.kind[r] !== KIND_MASS_PAY,
    );
    if (others.length === 0 || this.random() >= options.events.massPayRate) return false;
    const settled = [row, ...others];
    let sum = 0;
    for (const r of settled) sum += this.gross(r) - cols.credit[r]!;
    const day = Math.floor(t / DAY_SECONDS);
    const mass = this.newInvoice(KIND_MASS_PAY, null, t, day, sum, false);
    const paidAt = t + 60 + Math.floor(this.random() * 840);
    cols.paidAt[mass] = paidAt;
    cols.payProbability[mass] = 1;
    for (const r of settled) {
      cols.paidAt[r] = paidAt;
      cols.pendingAt[r] = 0;
      cols.massPaid[r] = 1;
      this.queue.push(paidAt, EVENT_PAY, r);
    }
    this.queue.push(paidAt, EVENT_PAY, mass);
    return true;
  }

  private terminate(target: number, t: number): void {
    const cols = this.ctx.buffer.columns;
    // target >= 0: a series id; < 0: -1 - row of an order invoice covering several bundles.
    const affected =
      target >= 0
        ? this.series.filter((s) => s.id === target)
        : this.series.filter((s) => s.orderRow === -1 - target);
    for (const s of affected) {
      if (s.done) continue;
      s.done = true;
      for (const r of s.open) {
        if (this.isOpen(r, t)) {
          this.unschedulePayment(r);
          cols.cancelledAt[r] = t;
        }
      }
    }
  }

  private loop(): void {
    const { endSeconds } = this.ctx;
    const ev = this.event;
    while (this.queue.size > 0 && this.queue.peekTime() < endSeconds) {
      this.queue.pop(ev);
      const [t, type, arg] = ev;
      this.now = t;
      // Read after every event: creating an invoice may grow (replace) the columns.
      const buffer = this.ctx.buffer.columns;
      switch (type) {
        case EVENT_CREATE: {
          const s = this.series[arg]!;
          if (!s.done) this.createRenewal(s, t);
          break;
        }
        case EVENT_PAY:
          if (buffer.paidAt[arg] !== t || buffer.cancelledAt[arg] !== 0) break;
          if (
            buffer.massPaid[arg] === 0 &&
            buffer.kind[arg] !== KIND_MASS_PAY &&
            t !== buffer.createdAt[arg] &&
            this.massPay(arg, t)
          )
            break;
          this.onPaid(arg, t);
          break;
        case EVENT_CANCEL: {
          if (buffer.cancelledAt[arg] !== t) break;
          const seriesId = buffer.series[arg]!;
          this.terminate(seriesId === -1 ? -1 - arg : seriesId, t);
          break;
        }
        case EVENT_TERMINATE: {
          // A refund or chargeback ends the service, if it still stands (an outcome can be redrawn).
          if (buffer.refundedAt[arg] !== t && buffer.collectionsAt[arg] !== t) break;
          const seriesId = buffer.series[arg]!;
          this.terminate(seriesId === -1 ? -1 - arg : seriesId, t);
          break;
        }
        case EVENT_UPGRADE: {
          const s = this.series[arg]!;
          if (s.done) break;
          const day = Math.floor(t / DAY_SECONDS);
          const nextDue = this.dueOf(s, s.k);
          const factor = 0.4 + s.random() * 0.6;
          const current = s.price * s.level * this.repriceFactor(s.signupDay, day);
          const remaining = Math.min(1, Math.max(0, (nextDue - day) / (s.months * 30.4)));
          const amount = Math.max(100, Math.round(current * factor * remaining));
          s.level *= 1 + factor;
          const row = this.newInvoice(KIND_UPGRADE, s, t, day, amount, true);
          this.settle(row, s.random, false, 0, s.alt);
          break;
        }
        case EVENT_ADD_FUNDS: {
          if (this.series.every((s) => s.done)) break;
          const day = Math.floor(t / DAY_SECONDS);
          const amount = Math.max(
            100,
            Math.round(this.toCurrency(pick(this.random, ADD_FUNDS), day) / 100) * 100,
          );
          const row = this.newInvoice(KIND_ADD_FUNDS, null, t, day, amount, false);
          const paidAt = t + 120 + Math.floor(this.random() * 7200);
          buffer.paidAt[row] = paidAt;
          buffer.payProbability[row] = 1;
          this.queue.push(paidAt, EVENT_CREDIT, amount);
          const wait = (1 - Math.log(1 - this.random()) * 120) * DAY_SECONDS;
          this.queue.push(t + Math.floor(wait), EVENT_ADD_FUNDS, 0);
          break;
        }
        case EVENT_CREDIT:
          this.balance += arg;
          break;
        case EVENT_CROSS_SELL: {
          if (this.series.every((s) => s.done) || this.series.length >= SERIES_PER_CLIENT) break;
          const day = Math.floor(t / DAY_SECONDS);
          const months = this.drawCycle(this.random, monthIndexOf(day) % 12 === 0);
          const s = this.addSeries(months, false, this.hostingPrice(this.random, months, day), day, false);
          this.createOrder([s], t);
          this.scheduleCrossSell(t);
          break;
        }
      }
    }
  }
}

/** New clients signing up in each month of the history, with their signup times (naive seconds, ascending). */
export function acquisitions(
  options: WorldOptions,
  startDay: number,
  endSeconds: number,
  altFrom = Number.POSITIVE_INFINITY,
): number[] {
  const { acquisition } = options;
  const startMonth = monthIndexOf(startDay);
  const base = options.clients * acquisition.monthlyRate;
  const altSeed = options.alternativeFuture?.seed ?? 0;
  const out: number[] = [];
  for (let m = startMonth; ; m++) {
    const monthStart = Math.max(dayOfMonthIndex(m), startDay);
    const monthEnd = dayOfMonthIndex(m + 1);
    if (monthStart * DAY_SECONDS >= endSeconds) break;
    const years = (m - startMonth) / 12;
    const season =
      acquisition.seasonality[m % 12]! / (acquisition.seasonality.reduce((a, b) => a + b, 0) / 12);
    const share = (monthEnd - monthStart) / (monthEnd - dayOfMonthIndex(m));
    const mean = base * (1 + acquisition.growth) ** years * season * share;
    const from = monthStart * DAY_SECONDS;
    const to = monthEnd * DAY_SECONDS;
    const draw = (random: () => number, lo: number, hi: number, expected: number): number[] => {
      const count =
        expected > 50
          ? Math.max(0, Math.round(expected + Math.sqrt(expected) * normal(random)))
          : poisson(random, expected);
      const times: number[] = [];
      for (let i = 0; i < count; i++) times.push(lo + Math.floor(random() * (hi - lo)));
      return times.sort((a, b) => a - b);
    };
    let times = draw(mulberry32(hashMix(options.seed, SALT_ACQUISITION, m)), from, to, mean);
    if (altFrom < to) {
      // An alternative future keeps the month's sign-ups before its start and redraws the rest.
      const cut = Math.max(from, altFrom);
      const alt = draw(
        mulberry32(hashMix(altSeed, SALT_ACQUISITION, m)),
        cut,
        to,
        (mean * (to - cut)) / (to - from),
      );
      times = [...times.filter((t) => t < cut), ...alt];
    }
    for (const t of times) if (t < endSeconds) out.push(t);
  }
  return out;
}
