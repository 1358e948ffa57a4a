import { civilFromDay, DAY_SECONDS } from './calendar.ts';
import type { InvoiceKind, WorldColumns } from './world-columns.ts';
import { INVOICE_KINDS, KIND_ORDER, KIND_RENEWAL, KIND_UPGRADE } from './world-columns.ts';
import type { SeriesRecord } from './world-generator.ts';
import type { PayerType, WorldOptions } from './world-options.ts';
import { PAYER_TYPES } from './world-options.ts';

// The ground truth kept beside the world and never served through GetInvoices: for each invoice the
// law its payment was drawn from (at creation), for each series its renewal probabilities. A report
// scores a forecast against these expectations to separate model error from irreducible noise.
// What the law does not cover: a mass payment can settle an invoice earlier than its own draw, and
// a refund or chargeback of another invoice can end a series (cancelling its open invoice).

export interface DelayQuantiles {
  /** Days from the due date to payment, given the invoice is paid (negative = before the due date). */
  p10: number;
  p50: number;
  p90: number;
}

export interface WorldInvoiceTruth {
  id: number;
  kind: InvoiceKind;
  /** The service bundle it bills, or null (an order of several bundles, add-funds, mass-pay). */
  seriesId: number | null;
  cycleMonths: number | null;
  payerType: PayerType;
  /** P(the invoice ends paid | it was created), as known when it was created. */
  payProbability: number;
  /** P(its series produces the next renewal invoice), or null when it is not a series invoice. */
  renewProbability: number | null;
  delayQuantiles: DelayQuantiles;
}

export interface WorldSeriesTruth {
  id: number;
  userid: number;
  cycleMonths: number;
  /** A bundle of domains only (domain renewal rates and lead). */
  domain: boolean;
  /** Day the bundle was ordered (YYYY-MM-DD); the history's start for the book that predates it. */
  start: string;
  /** Part of the book at the start (its renewals count as later ones). */
  existing: boolean;
  /** The client's payer type. */
  payerType: PayerType;
  /** P(first renewal) and P(each later renewal). */
  firstRenewal: number;
  laterRenewal: number;
}

export interface WorldTruth {
  invoice(id: number): WorldInvoiceTruth;
  series(id: number): WorldSeriesTruth | undefined;
  /** Every series id, ascending by client then order. */
  seriesIds(): number[];
  /**
   * P(invoice `id` is paid in [from, to) | what was known at `asOf`), under its true law: 0 or 1 when
   * it was already settled or cancelled at `asOf`, conditional on still being open otherwise.
   */
  paidWithin(id: number, from: Date, to: Date, asOf: Date): number;
  /**
   * Expected Σ total paid in [from, to) over the invoices created by `asOf` (not future ones), by
   * currency code, in currency units: the oracle for collections of invoices already issued.
   */
  expectedCollections(from: Date, to: Date, asOf: Date): Map<string, number>;
}

/** Normal CDF (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** One invoice's outcome law: paid (with a paid-time CDF), cancelled at a fixed time, or cancelled uniformly (churn). */
interface Law {
  paid: number;
  paidCdf: (t: number) => number;
  /** Weight and time of the fixed cancellation (unpaid after N days). */
  never: number;
  neverAt: number;
  /** Weight and window of a churner's cancellation (uniform). */
  churn: number;
  churnFrom: number;
  churnTo: number;
  /** Due instant (cron time on the due day) the delay is measured from. */
  dueAt: number;
}

export function createWorldTruth(
  c: WorldColumns,
  size: number,
  options: WorldOptions,
  series: ReadonlyMap<number, SeriesRecord>,
  localSeconds: (at: Date) => number,
  currencyOf: (userid: number) => string,
): WorldTruth {
  const cron = options.invoicing.cronHour * 3600;
  const { payers } = options;
  const cancelAfter = payers.unpaidCancelAfterDays * DAY_SECONDS;
  const step = (at: number) => (t: number) => (t >= at ? 1 : 0);

  const law = (id: number): Law => {
    const created = c.createdAt[id]!;
    const dueAt = c.dueDay[id]! * DAY_SECONDS + cron;
    const kind = c.kind[id]!;
    const payer = c.payer[id]!;
    const gross = c.subtotal[id]! + c.tax[id]! + c.tax2[id]!;
    const base = { never: 0, neverAt: 0, churn: 0, churnFrom: 0, churnTo: 0, dueAt };
    const billed = kind === KIND_ORDER || kind === KIND_RENEWAL || kind === KIND_UPGRADE;
    if (!billed || c.credit[id] === gross) return { ...base, paid: 1, paidCdf: step(created) };
    const order = kind === KIND_ORDER;
    const p = c.payProbability[id]!;
    let typeP: number;
    let paidCdf: (t: number) => number;
    if (payer === 0) {
      const { declineRate: d, recoveryRate: r } = payers.onTime;
      const capture = order ? created + 30 : Math.max(dueAt, created);
      typeP = order ? 1 : 1 - d * (1 - r);
      const first = order ? 1 : (1 - d) / typeP;
      paidCdf = (t) => {
        if (t < capture + 30) return 0;
        let cdf = first * Math.min(1, (t - capture - 30) / 1800);
        // Recovered declines: a retry succeeds on day 2..12, equally likely.
        for (let day = 2; day <= 12; day++)
          if (t >= capture + day * DAY_SECONDS + 60) cdf += (1 - first) / 11;
        return Math.min(1, cdf);
      };
    } else if (payer === 1 || payer === 2) {
      const delay = payer === 1 ? payers.late : payers.veryLate;
      typeP = 1 - delay.defaultRate;
      if (order) {
        const median = payer === 1 ? 0.3 : 2;
        paidCdf = (t) => {
          const days = (t - created - 300) / DAY_SECONDS;
          return days <= 0 ? 0 : phi(Math.log(days / median));
        };
      } else {
        const floor = created + 600;
        paidCdf = (t) => {
          if (t < floor) return 0;
          // The time-of-day jitter (up to 8 hours) is left out: it moves a day boundary, not a month.
          const days = (t - dueAt) / DAY_SECONDS + payers.earlyDays;
          return days <= 0 ? 0 : phi(Math.log(days / delay.medianDays) / Math.max(delay.sigma, 1e-9));
        };
      }
    } else {
      typeP = 0;
      paidCdf = () => 0;
    }
    const churn = typeP > 0 ? Math.max(0, 1 - p / typeP) : 0;
    return {
      paid: p,
      paidCdf,
      never: Math.max(0, 1 - churn - p),
      neverAt: dueAt + cancelAfter,
      churn,
      churnFrom: created,
      churnTo: Math.max(created + DAY_SECONDS, dueAt + 7 * DAY_SECONDS),
      dueAt,
    };
  };

  const quantiles = (l: Law): DelayQuantiles => {
    const at = (q: number) => {
      let lo = l.dueAt - 60 * DAY_SECONDS;
      let hi = l.dueAt + 3650 * DAY_SECONDS;
      if (l.paidCdf(hi) < q) return Number.POSITIVE_INFINITY;
      for (let i = 0; i < 60; i++) {
        const mid = (lo + hi) / 2;
        if (l.paidCdf(mid) >= q) hi = mid;
        else lo = mid;
      }
      return Math.round(((hi - l.dueAt) / DAY_SECONDS) * 100) / 100;
    };
    return { p10: at(0.1), p50: at(0.5), p90: at(0.9) };
  };

  const paidWithinSeconds = (id: number, from: number, to: number, asOf: number): number => {
    if (id < 1 || id > size) throw new RangeError(`Invoice ${id} not in this world`);
    const created = c.createdAt[id]!;
    if (created <= asOf) {
      const paid = c.paidAt[id]!;
      const cancelled = c.cancelledAt[id]!;
      if (paid !== 0 && paid <= asOf) return paid >= from && paid < to ? 1 : 0;
      if (cancelled !== 0 && cancelled <= asOf) return 0;
    }
    const l = law(id);
    const a = Math.max(asOf, created - 1);
    const openPaid = l.paid * (1 - l.paidCdf(a));
    const openNever = a < l.neverAt ? l.never : 0;
    const churnLeft = a <= l.churnFrom ? 1 : Math.max(0, (l.churnTo - a) / (l.churnTo - l.churnFrom));
    const open = openPaid + openNever + l.churn * churnLeft;
    if (open <= 0) return 0;
    const lo = Math.max(from, a);
    if (to <= lo) return 0;
    return (l.paid * (l.paidCdf(to - 1) - l.paidCdf(lo - 1))) / open;
  };

  return {
    invoice(id) {
      if (id < 1 || id > size) throw new RangeError(`Invoice ${id} not in this world`);
      const seriesId = c.series[id]!;
      const renew = c.renewProbability[id]!;
      return {
        id,
        kind: INVOICE_KINDS[c.kind[id]!]!,
        seriesId: seriesId === -1 ? null : seriesId,
        cycleMonths: c.cycle[id] === 0 ? null : c.cycle[id]!,
        payerType: PAYER_TYPES[c.payer[id]!]!,
        payProbability: Math.round(c.payProbability[id]! * 1e6) / 1e6,
        renewProbability: Number.isNaN(renew) ? null : Math.round(renew * 1e6) / 1e6,
        delayQuantiles: quantiles(law(id)),
      };
    },
    series(id) {
      const s = series.get(id);
      if (!s) return undefined;
      const [y, m, d] = civilFromDay(s.startDay);
      return {
        id,
        userid: s.userid,
        cycleMonths: s.cycle,
        domain: s.domain,
        start: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
        existing: s.existing,
        payerType: PAYER_TYPES[s.payer]!,
        firstRenewal: s.first,
        laterRenewal: s.later,
      };
    },
    seriesIds: () => [...series.keys()].sort((x, y) => x - y),
    paidWithin: (id, from, to, asOf) =>
      paidWithinSeconds(id, localSeconds(from), localSeconds(to), localSeconds(asOf)),
    expectedCollections(from, to, asOf) {
      const f = localSeconds(from);
      const t = localSeconds(to);
      const a = localSeconds(asOf);
      const sums = new Map<string, number>();
      for (let id = 1; id <= size && c.createdAt[id]! <= a; id++) {
        const p = paidWithinSeconds(id, f, t, a);
        if (p === 0) continue;
        const gross = c.subtotal[id]! + c.tax[id]! + c.tax2[id]!;
        // Settled by a mass payment by asOf: the cash is on the mass-pay invoice, this total is 0.
        const massSettled = c.massPaid[id] === 1 && c.paidAt[id]! <= a;
        const amount = massSettled ? 0 : (gross - c.credit[id]!) / 100;
        const code = currencyOf(c.userid[id]!);
        sums.set(code, (sums.get(code) ?? 0) + p * amount);
      }
      return sums;
    },
  };
}
