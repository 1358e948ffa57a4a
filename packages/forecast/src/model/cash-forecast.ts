import { getOrCreate } from '../collections.ts';
import { firstDayOfMonth, monthOfDay } from '../dates.ts';
import { drain, STEP_SLICE, type Steps } from '../steps.ts';
import {
  classesBeforeSteps,
  classHazardsSteps,
  classifyClientsSteps,
  type Hazard,
  MAX_DELAY,
  MIN_DELAY,
  OutcomeTable,
  PAYER_CLASSES,
  type PayerClass,
} from './delay-model.ts';
import { Histogram } from './histogram.ts';
import { MonthShift } from './month-shift.ts';
import { DEFAULT_PARAMS, type ModelParams } from './params.ts';
import { Placer } from './placer.ts';
import { seasonalIndex } from './seasonality.ts';
import { NO_DAY, type SeenColumns } from './seen-columns.ts';
import { CYCLES, detectSeriesSteps, type SeriesLinks, TENURE_BUCKETS, tenureBucket } from './series.ts';

/** Calendar months, the keys of `newBusinessSeason` (keys like "01" would not keep their order). */
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/*
 * The cash forecast of one source and currency at an origin T (design notes §4.4 C):
 *
 *   cash = collections of the invoices open at T          (delay model, conditioned on age and payer class)
 *        + renewals of detected series not yet invoiced    (empirical renewal rates by cycle and tenure)
 *        + other billing: new business and one-offs        (its own recent history, with its renewals)
 *
 * every future invoice pushed through the same delay model from its issue date. The result is a
 * daily array of expected cash per part, from day T + 1, which the caller cuts into periods.
 */

export interface Parts {
  open: Float64Array;
  renewals: Float64Array;
  other: Float64Array;
  /** The contractual line: open invoices paid in full on their due dates (overdue ones on day T + 1). */
  contractual: Float64Array;
}

export interface GroupModel {
  source: string;
  currency: string;
  /** Day T + 1 is index 0. */
  parts: Parts;
  /** Amount-weighted mean invoice amount of each part: sizes the noise of a sum of invoices. */
  grain: { open: number; renewals: number; other: number };
  /** Per cycle: expected renewal cash, for the renewal-rate uncertainty. */
  renewalsByCycle: Map<number, Float64Array>;
  /** Of `parts.other`, the renewals of the new business to come (the rest is its first invoices). */
  otherRenewals: Float64Array;
  /** Per cycle: renewal evidence (eligible, renewed) behind the rates. */
  renewalEvidence: Map<number, { eligible: number; renewed: number }>;
  /** Recent monthly new business (gross), oldest first: the bootstrap sample of its level. */
  otherHistory: number[];
  otherLevel: number;
  /** The series links of the group's invoices (the benchmarks reuse them). */
  links: SeriesLinks;
  /** Expected billing (not cash) of annual and longer renewals, by month number. */
  renewalWall: Map<number, number>;
  /** Expected cash per client within the horizon (open invoices and renewals). */
  byClient: Map<number, number>;
  assumptions: Record<string, unknown>;
}

/** Fits the model on a snapshot's invoices of one group and projects `horizon` days from T + 1. */
export function forecastGroup(
  invoices: SeenColumns,
  t: number,
  horizon: number,
  params: ModelParams = DEFAULT_PARAMS,
): GroupModel {
  return drain(forecastGroupSteps(invoices, t, horizon, params));
}

/** {@link forecastGroup}, yielding between its parts (each a pass or a few over the invoices). */
export function* forecastGroupSteps(
  invoices: SeenColumns,
  t: number,
  horizon: number,
  params: ModelParams = DEFAULT_PARAMS,
): Steps<GroupModel> {
  const { source, currency } = invoices;
  const n = invoices.length;
  const {
    due: dueOf,
    issue: issueOf,
    gross: grossOf,
    total: totalOf,
    paid: paidOf,
    cancelled: cancelledOf,
    client: clientOf,
  } = invoices;
  const parts: Parts = {
    open: new Float64Array(horizon),
    renewals: new Float64Array(horizon),
    other: new Float64Array(horizon),
    contractual: new Float64Array(horizon),
  };
  const start = t + 1;
  const end = start + horizon; // exclusive

  const training: number[] = [];
  for (let i = 0; i < n; i++) if ((dueOf[i] as number) >= t - params.trainingDays) training.push(i);
  // Series first: with `headHazard`, first invoices and renewals are paid by hazards of their own.
  const links = yield* detectSeriesSteps(invoices);
  yield;
  const classes = yield* classifyClientsSteps(invoices, training, t);
  const rowClasses = params.classBefore ? yield* classesBeforeSteps(invoices, training, t) : null;
  /** Tables per payer class from the training rows `keep` selects (index = class), classed per client or per row. */
  function* tablesOf(keep: ((i: number) => boolean) | null, open: boolean): Steps<OutcomeTable[]> {
    const perRowClasses = open ? rowClasses : null;
    let rows = training;
    let classOf: Map<number, PayerClass> | Uint8Array = perRowClasses ?? classes;
    if (keep) {
      rows = [];
      const perRow: number[] = [];
      training.forEach((i, r) => {
        if (!keep(i)) return;
        rows.push(i);
        if (perRowClasses) perRow.push(perRowClasses[r] as number);
      });
      classOf = perRowClasses ? Uint8Array.from(perRow) : classes;
    }
    const { byClass } = yield* classHazardsSteps(invoices, rows, classOf, t, open && params.creditAsNever);
    return byClass.map((h: Hazard) => new OutcomeTable(h));
  }
  const isHead = (i: number) => (links.prev[i] as number) < 0;
  const isMember = (i: number) => !isHead(i);
  const memberRows = params.headHazard ? isMember : null;
  const tables = yield* tablesOf(memberRows, false);
  const headTables = params.headHazard ? yield* tablesOf(isHead, false) : tables;
  const tableOf = (client: number) => tables[classes.get(client) ?? 0] as OutcomeTable;
  // With `classBefore` and `creditAsNever` (params.ts), the invoices open at T are paid by
  // hazards of invoices classed by their client's history before each, where credit alone (a mass
  // payment) settles without cash. Renewals to come keep the tables above either way: a renewal's
  // chance of being paid compounds along its series, and with the others the training worlds'
  // 12-month bias went from -2 to -8 %.
  const openSplit = params.classBefore || params.creditAsNever;
  const openTables = openSplit ? yield* tablesOf(memberRows, true) : tables;
  const openHeadTables = !params.headHazard
    ? openTables
    : openSplit
      ? yield* tablesOf(isHead, true)
      : headTables;
  const openTableOf = (i: number) =>
    (isHead(i) ? openHeadTables : openTables)[classes.get(clientOf[i] as number) ?? 0] as OutcomeTable;
  const byClient = new Map<number, number>();
  const addClient = (client: number, v: number) => byClient.set(client, (byClient.get(client) ?? 0) + v);

  // Amounts are spread over their payment days in bulk, per part (placer.ts).
  const placerOf = () => new Placer(start, end, MAX_DELAY - MIN_DELAY + 1);
  const openPlacer = placerOf();
  const otherPlacer = placerOf();
  const otherRenewalPlacer = placerOf();
  const renewalPlacers = new Map<number, Placer>();

  // A. Collections of the invoices open at T.
  let grainOpen = [0, 0];
  for (let i = 0; i < n; i++) {
    const total = totalOf[i] as number;
    if (!invoices.isOpen(i) || total <= 0) continue;
    const due = dueOf[i] as number;
    const client = clientOf[i] as number;
    const sum = openPlacer.add(openTableOf(i), due, t - due, total);
    addClient(client, sum);
    grainOpen = [grainOpen[0]! + total * total, grainOpen[1]! + total];
    const d = Math.max(due, start) - start;
    if (d < horizon) parts.contractual[d] = (parts.contractual[d] as number) + total;
  }

  yield;
  // B. Series and their renewal rates.
  let minDue = t;
  for (let i = 0; i < n; i++) if ((dueOf[i] as number) < minDue) minDue = dueOf[i] as number;
  const shift = new MonthShift(minDue, end);
  const addMonths = (day: number, months: number) => shift.at(day, months);
  // Leads (days from issue to due) counted, not collected and sorted: a million of them.
  let lowLead = 0;
  let highLead = 0;
  for (let i = 0; i < n; i++) {
    const lead = (dueOf[i] as number) - (issueOf[i] as number);
    if (lead < lowLead) lowLead = lead;
    if (lead > highLead) highLead = lead;
  }
  const leads = new Histogram(lowLead, highLead);
  const headLeads = new Histogram(lowLead, highLead);
  // Leads per cycle: WHMCS can generate domain (annual) invoices much earlier than hosting ones.
  const cycleLeads = new Map<number, Histogram>();
  for (let i = 0; i < n; i++) {
    const lead = (dueOf[i] as number) - (issueOf[i] as number);
    if (isHead(i)) headLeads.add(lead);
    else {
      leads.add(lead);
      const c = links.cycle[i] as number;
      let h = cycleLeads.get(c);
      if (!h) {
        h = new Histogram(lowLead, highLead);
        cycleLeads.set(c, h);
      }
      h.add(lead);
    }
  }
  const ascending = (a: number, b: number) => a - b;
  const typicalLead = leads.size ? leads.at(leads.size >> 1) : 7;
  const leadsOf = (c: number) => {
    const h = cycleLeads.get(c);
    return h && h.size >= 20 ? h : leads;
  };
  const typicalLeadOf = (c: number) => {
    const h = leadsOf(c);
    return h.size ? h.at(h.size >> 1) : typicalLead;
  };
  // A member is evidence of renewal only once its successor would have been issued by T.
  const minLead = leads.size ? leads.at(Math.floor(leads.size * 0.05)) : 0;
  const headLead = headLeads.size ? headLeads.at(headLeads.size >> 1) : 0;
  /** P(lead < x) at cycle c: the share of its renewals issued fewer than x days before their due date. */
  const leadBelow = (c: number, x: number) => {
    const h = leadsOf(c);
    if (h.size === 0) return x > typicalLead ? 1 : 0;
    return h.below(x) / h.size;
  };

  // How a series' lead changes from one renewal to the next, per cycle (both members renewals:
  // a first invoice, an order, is due on issue). WHMCS generates each service's invoices the same
  // number of days ahead, so a series whose own lead has passed without its next invoice is
  // unlikely to renew, however short other series' leads are.
  const spread = highLead - lowLead;
  const leadSteps = new Map<number, Histogram>();
  const allSteps = new Histogram(-spread, spread);
  yield* links.forEachStep((l, i) => {
    if (l.prev < 0 || (links.prev[l.prev] as number) < 0) return;
    const step =
      (dueOf[i] as number) -
      (issueOf[i] as number) -
      ((dueOf[l.prev] as number) - (issueOf[l.prev] as number));
    getOrCreate(leadSteps, l.cycle, () => new Histogram(-spread, spread)).add(step);
    allSteps.add(step);
  });
  if (n > STEP_SLICE) yield;
  /** P(the next lead of a series whose last lead was `own` is below x). */
  const ownLeadBelow = (c: number, own: number, x: number) => {
    const cycle = leadSteps.get(c);
    const h = cycle && cycle.size >= 20 ? cycle : allSteps;
    if (h.size === 0) return leadBelow(c, x);
    return h.below(x - own) / h.size;
  };

  // Renewal rates by cycle, tenure bucket and the member's outcome (paid / cancelled).
  const counts = new Map<number, { paid: number[][]; cancelled: number[][] }>();
  for (const c of CYCLES) {
    counts.set(c, {
      paid: Array.from({ length: TENURE_BUCKETS }, () => [0, 0]),
      cancelled: Array.from({ length: TENURE_BUCKETS }, () => [0, 0]),
    });
  }
  const evidence = new Map<number, { eligible: number; renewed: number }>();
  /** Per cycle and payer class, members with an outcome by T: [gross paid, gross, count]. */
  const paidByClass = new Map<number, Array<[number, number, number]>>();
  // A member's class from the history before it (classBefore), else its client's at T.
  const NO_CLASS = 255;
  const rowClassOf = new Uint8Array(params.cyclePaidShare ? n : 0).fill(NO_CLASS);
  if (rowClasses && params.cyclePaidShare)
    for (const [r, i] of training.entries()) rowClassOf[i] = rowClasses[r] as number;
  // First invoices of series: the share (by amount) that renewed at each cycle, overall (for new
  // business to come) and by size decile (for first invoices already out: a triennial order is
  // 36 monthly prices, so its size says much about its cycle).
  const headShare = new Map<number, [number, number]>(CYCLES.map((c) => [c, [0, 0]]));
  const headSizes: number[] = [];
  yield* links.forEachStep((l, i) => {
    const gross = grossOf[i] as number;
    if (l.prev < 0 && gross > 0 && (dueOf[i] as number) > t - params.trainingDays - 3 * 365)
      headSizes.push(gross);
  });
  headSizes.sort((a, b) => a - b);
  const SIZES = 10;
  // A first invoice issued ahead of its due date is a renewal of something before the history
  // (orders are due on issue): such invoices get bins of their own.
  const SIZE_BINS = 2 * SIZES;
  const thresholds = Array.from(
    { length: SIZES - 1 },
    (_, k) => headSizes[Math.floor(((k + 1) * headSizes.length) / SIZES)] ?? 0,
  );
  const sizeBin = (i: number) => {
    let b = 0;
    const gross = grossOf[i] as number;
    while (b < thresholds.length && gross >= (thresholds[b] as number)) b++;
    return (dueOf[i] as number) - (issueOf[i] as number) > 0 ? b + SIZES : b;
  };
  // An order of several services renews at several cycles (series.ts): the chance of a renewal
  // at a cycle depends on whether the first invoice already renewed at a shorter one (an order
  // of one service renews at one cycle). Bins 0..SIZE_BINS-1 without one, the rest with one.
  /** Per cycle and (size bin, renewed at a shorter cycle): [renewed count, eligible count]. */
  const binShare = new Map<number, Array<[number, number]>>(
    CYCLES.map((c) => [c, Array.from({ length: 2 * SIZE_BINS }, (): [number, number] => [0, 0])]),
  );
  /** Per cycle and (renewed at a shorter cycle): [renewed count, eligible count], the bins' prior. */
  const flagShare = new Map<number, Array<[number, number]>>(
    CYCLES.map((c) => [c, [[0, 0] as [number, number], [0, 0] as [number, number]]]),
  );
  // The window of evidence ends where a successor would have been issued by T: a cycle's
  // window reaches back a cycle further, so that biennial and triennial series have evidence.
  const inWindow = (due: number, c: number) => {
    const nextDue = addMonths(due, c);
    return nextDue - minLead <= t && nextDue > t - params.trainingDays;
  };
  yield* links.forEachStep((l, i) => {
    const due = dueOf[i] as number;
    if (l.prev < 0) {
      const gross = grossOf[i] as number;
      for (const c of CYCLES) {
        if (!inWindow(due, c)) continue;
        const renewed = links.renewedAt(i, c);
        const hs = headShare.get(c) as [number, number];
        hs[1] += gross;
        if (renewed) hs[0] += gross;
        const flag = links.renewedBefore(i, c) ? 1 : 0;
        const bin = (binShare.get(c) as Array<[number, number]>)[sizeBin(i) + flag * SIZE_BINS] as [
          number,
          number,
        ];
        const pooled = (flagShare.get(c) as Array<[number, number]>)[flag] as [number, number];
        bin[1]++;
        pooled[1]++;
        if (renewed) {
          bin[0]++;
          pooled[0]++;
        }
      }
      return;
    }
    if (!inWindow(due, l.cycle)) return;
    const outcome = paidOf[i] !== NO_DAY ? 'paid' : cancelledOf[i] !== NO_DAY ? 'cancelled' : null;
    if (outcome === null) return;
    if (params.cyclePaidShare) {
      const byClass = getOrCreate(paidByClass, l.cycle, () =>
        PAYER_CLASSES.map((): [number, number, number] => [0, 0, 0]),
      );
      const k =
        rowClassOf[i] === NO_CLASS ? (classes.get(clientOf[i] as number) ?? 0) : (rowClassOf[i] as number);
      const pc = byClass[k] as [number, number, number];
      const gross = grossOf[i] as number;
      pc[1] += gross;
      pc[2]++;
      if (outcome === 'paid') pc[0] += gross;
    }
    const cell = counts.get(l.cycle)?.[outcome][tenureBucket(l.tenure)];
    if (!cell) return;
    cell[0] = (cell[0] as number) + (l.next >= 0 ? 1 : 0);
    cell[1] = (cell[1] as number) + 1;
    const e = evidence.get(l.cycle) ?? { eligible: 0, renewed: 0 };
    e.eligible++;
    if (l.next >= 0) e.renewed++;
    evidence.set(l.cycle, e);
  });
  // The passes over the series are the model's longest part: a turn for others between them.
  yield;
  // The first renewal of a first invoice bills less than it: an order carries setup fees and
  // often several services (each renewing on its own cycle). Per cycle, the amount of the renewals
  // that followed first invoices over the amount of those first invoices (the oracle comparison
  // in bench/oracle.ts found monthly new business renewed at about half its order's amount).
  // Per cycle, and apart for first invoices that renewed at a shorter cycle too (an order of
  // several services: each renewal bills a part of it).
  const headPairs = new Map<number, [number, number, number][]>(
    CYCLES.map((c) => [c, [0, 1, 2].map((): [number, number, number] => [0, 0, 0])]),
  );
  yield* links.forEachStep((l, i) => {
    if (l.prev >= 0 || l.next < 0) return;
    const gross = grossOf[i] as number;
    if (gross <= 0) return;
    for (let s = l.next; s >= 0; s = links.sibling[s] as number) {
      const nextDue = dueOf[s] as number;
      const c = links.cycle[s] as number;
      const pairs = headPairs.get(c);
      if (!pairs || nextDue > t || nextDue <= t - params.trainingDays) continue;
      for (const pair of [pairs[0], pairs[links.renewedBefore(i, c) ? 2 : 1]] as [number, number, number][]) {
        pair[0] += grossOf[s] as number;
        pair[1] += gross;
        pair[2]++;
      }
    }
  });
  const ratioOf = ([next, head, n]: [number, number, number], fallback: number) =>
    n >= 10 && head > 0 ? Math.min(1.5, Math.max(0.05, next / head)) : fallback;
  const headRatio = new Map<number, number[]>(
    [...headPairs].map(([c, pairs]) => {
      const all = ratioOf(pairs[0] as [number, number, number], 1);
      return [
        c,
        [
          all,
          ratioOf(pairs[1] as [number, number, number], all),
          ratioOf(pairs[2] as [number, number, number], all),
        ],
      ];
    }),
  );
  /** A first renewal's amount over its first invoice's: overall, or by whether one came at a shorter cycle. */
  const headAmount = (c: number, flag?: 0 | 1) =>
    (headRatio.get(c) as number[])[flag === undefined ? 0 : flag + 1] as number;

  /**
   * The share of a cycle's members (with an outcome by T, in the window of evidence) that were
   * paid, by amount, for a client of payer class `k` (its members classed by the history before
   * each): its own share, shrunk toward the cycle's by `renewalPrior` pseudo-members of the
   * cycle's mean amount; null without evidence.
   */
  const paidShareOf = (c: number, k: PayerClass): number | null => {
    const cells = paidByClass.get(c);
    if (!cells) return null;
    let paid = 0;
    let all = 0;
    let count = 0;
    for (const [kp, ka, kn] of cells) {
      paid += kp;
      all += ka;
      count += kn;
    }
    if (all <= 0) return null;
    const prior = (params.renewalPrior * all) / count;
    const [kp, ka] = cells[k] as [number, number, number];
    return (kp + prior * (paid / all)) / (ka + prior);
  };
  const rate = (c: number, outcome: 'paid' | 'cancelled', tenure: number): number => {
    const cc = counts.get(c);
    if (!cc) return 0;
    let pooledN = 0;
    let pooledK = 0;
    for (const cell of cc[outcome]) {
      pooledK += cell[0] as number;
      pooledN += cell[1] as number;
    }
    const pooled = pooledN > 0 ? pooledK / pooledN : outcome === 'paid' ? 0.9 : 0.05;
    const cell = cc[outcome][tenureBucket(tenure)] as number[];
    return ((cell[0] as number) + params.renewalPrior * pooled) / ((cell[1] as number) + params.renewalPrior);
  };

  // The amount of a renewal: its last member's, times how prices moved since it was billed. A
  // price index from the series billed recently (monthly, quarterly): the median ratio of a
  // series' latest member to its member k months earlier, for k = 2 to 36. An operator who
  // reprices existing services (a rise, a currency's product prices updated) shows there within
  // a month, while an annual series billed before it renews at the new price up to a year later.
  // A rise for new orders only leaves the median at 1. First invoices (an order carries setup fees
  // and several services) are left out.
  const PRICE_MONTHS = 36;
  const tMonthOfDue = monthOfDay(t);
  const priceRatios: number[][] = Array.from({ length: PRICE_MONTHS + 1 }, () => []);
  yield* links.forEachStep((l, i) => {
    const due = dueOf[i] as number;
    if (l.next >= 0 || due <= t - 45 || due > t || l.prev < 0) return;
    const latest = grossOf[i] as number;
    if (latest <= 0) return;
    const m = monthOfDay(due);
    for (let j = l.prev; j >= 0 && (links.prev[j] as number) >= 0; j = links.prev[j] as number) {
      const k = m - monthOfDay(dueOf[j] as number);
      if (k > PRICE_MONTHS) break;
      const before = grossOf[j] as number;
      if (k >= 2 && before > 0) (priceRatios[k] as number[]).push(latest / before);
    }
  });
  const priceIndex = priceRatios.map((xs) => {
    if (xs.length < 20) return 1;
    xs.sort((x, y) => x - y);
    const median = xs[xs.length >> 1] as number;
    return Math.abs(median - 1) < 0.005 ? 1 : Math.min(1.5, Math.max(0.67, median));
  });
  /** The price movement since a member due on `due` was billed. */
  const priceSince = (due: number) => {
    const k = tMonthOfDue - monthOfDay(due);
    return k < 2 ? 1 : (priceIndex[Math.min(k, PRICE_MONTHS)] as number);
  };
  // Plan changes drift a series' amount: upgrades (+40 to +100 %) and downgrades of a few
  // renewals in a hundred move the mean of renewal-to-renewal ratios, not their median (which the
  // price index follows): per cycle, their difference is the expected drift per renewal.
  const drift = new Map<number, number>();
  if (params.planDrift) {
    const ratios = new Map<number, number[]>();
    yield* links.forEachStep((l, i) => {
      if (l.prev < 0 || (links.prev[l.prev] as number) < 0) return;
      const due = dueOf[i] as number;
      if (due > t || due <= t - params.trainingDays) return;
      const before = grossOf[l.prev] as number;
      const now = grossOf[i] as number;
      if (before <= 0 || now <= 0) return;
      getOrCreate(ratios, l.cycle, () => []).push(Math.min(5, Math.max(0.2, now / before)));
    });
    for (const [c, xs] of ratios) {
      if (xs.length < 30) continue;
      xs.sort((a, b) => a - b);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      drift.set(c, Math.min(0.1, Math.max(-0.05, mean - (xs[xs.length >> 1] as number))));
    }
  }
  /** The expected amount of a series' k-th renewal from now over its last one's. */
  const drifted = (c: number, k: number) => (1 + (drift.get(c) ?? 0)) ** k;
  // Cash over gross of the training invoices not cancelled: all of them, and first invoices apart.
  let totalGross = 0;
  let totalCash = 0;
  let headGross = 0;
  let headCash = 0;
  for (const i of training) {
    if (cancelledOf[i] !== NO_DAY) continue;
    totalGross += grossOf[i] as number;
    totalCash += totalOf[i] as number;
    if (!isHead(i)) continue;
    headGross += grossOf[i] as number;
    headCash += totalOf[i] as number;
  }
  const cashRatio = totalGross > 0 ? totalCash / totalGross : 1;
  const headCashRatio = params.headCash && headGross > 0 ? headCash / headGross : cashRatio;
  const memberCashRatio =
    params.headCash && totalGross - headGross > 0
      ? (totalCash - headCash) / (totalGross - headGross)
      : cashRatio;

  const renewalsByCycle = new Map<number, Float64Array>();
  const renewalWall = new Map<number, number>();
  const freshPaid = (client: number, lead: number) => tableOf(client).at(-lead - 1).paidTotal;
  let grainRen = [0, 0];

  /** Projects the members after one, from P(first next member) on. */
  const project = (
    client: number,
    due: number,
    cycle: number,
    tenure: number,
    amount: number,
    p1: number,
    lead: number,
  ) => {
    const table = tableOf(client);
    // P(paid) of each member: the chain of renewals compounds it (a cancelled member seldom renews).
    const q =
      (params.cyclePaidShare ? paidShareOf(cycle, classes.get(client) ?? 0) : null) ??
      freshPaid(client, lead);
    let placer = renewalPlacers.get(cycle);
    if (!placer) {
      placer = placerOf();
      renewalPlacers.set(cycle, placer);
    }
    let p = p1;
    for (let k = 1; ; k++) {
      const d = addMonths(due, k * cycle);
      if (d - lead >= end || p < 1e-4) break;
      if (k > 1) {
        const tb = tenure + k - 1;
        p *= q * rate(cycle, 'paid', tb) + (1 - q) * rate(cycle, 'cancelled', tb);
      }
      const age = Math.max(-lead - 1, t - d);
      // With cyclePaidShare, the member's table says when it is paid, and q how surely.
      const paid = params.cyclePaidShare ? table.at(age).paidTotal : 0;
      const scale = paid > 0 ? q / paid : 1;
      const billed = amount * p * drifted(cycle, k - 1);
      // Not issued by T although its lead says it would have been: it is issued late, from T + 1.
      const sum = placer.add(table, d, age, billed * scale);
      addClient(client, sum);
      grainRen = [grainRen[0]! + amount * amount * p, grainRen[1]! + amount * p];
      if (cycle >= 12 && d < end) {
        const m = monthOfDay(d);
        renewalWall.set(m, (renewalWall.get(m) ?? 0) + billed);
      }
    }
  };

  /** P(a first invoice in size bin b renews at cycle c | flag: it renewed at a shorter cycle). */
  const shareOf = (c: number, b: number, flag: 0 | 1) => {
    const [k, n] = (flagShare.get(c) as Array<[number, number]>)[flag] as [number, number];
    const pooled = n > 0 ? k / n : 0;
    const [kb, nb] = (binShare.get(c) as Array<[number, number]>)[b + flag * SIZE_BINS] as [number, number];
    return (kb + params.renewalPrior * pooled) / (nb + params.renewalPrior);
  };
  /** P(renews at a cycle | not issued by T), from its share s and the chance g it would not have been. */
  const posterior = (s: number, g: number) => (s * g) / (1 - s + s * g || 1);
  /**
   * Projects the first renewals still to come of a first invoice, cycle by cycle from the
   * shortest: a cycle it renewed at is its series' (projected from its last member); at another,
   * the share of its size bin's first invoices that renewed there, given whether it has renewed
   * at a shorter one (by the probability it has, when that is still to be seen), weighed by the
   * chance that its renewal would not have been issued by T (its lead shorter than the days to
   * its due date: Bayes over "renews at c" and "does not").
   */
  const projectHead = (i: number) => {
    const due = dueOf[i] as number;
    if (due < t - 3 * 365) return;
    const amount = (grossOf[i] as number) * memberCashRatio * priceSince(due);
    if (amount <= 0) return;
    const b = sizeBin(i);
    const client = clientOf[i] as number;
    // P(no renewal at a shorter cycle), given what T shows.
    let none = 1;
    for (const c of CYCLES) {
      if (links.renewedAt(i, c)) {
        none = 0;
        continue;
      }
      const g = leadBelow(c, addMonths(due, c) - t);
      const alone = posterior(shareOf(c, b, 0), g);
      const besides = none < 1 ? posterior(shareOf(c, b, 1), g) : 0;
      const w = none * alone * headAmount(c, 0) + (1 - none) * besides * headAmount(c, 1);
      none *= 1 - alone;
      if (w > 0) project(client, due, c, 1, amount, w, typicalLeadOf(c));
    }
  };
  yield;
  /** Projects the renewals still to come of invoice i: a first invoice's, or a series' last member's. */
  const projectFrom = (i: number) => {
    const prev = links.prev[i] as number;
    if (prev < 0) {
      projectHead(i);
      return;
    }
    if ((links.next[i] as number) >= 0) return;
    const due = dueOf[i] as number;
    const client = clientOf[i] as number;
    // The median of the last three members: one invoice can carry another service due the same
    // day (WHMCS groups them), and that one-off must not repeat every cycle. Each is brought to
    // today's prices by the index since its own bill (priceMedian, params.ts): after a rise, the
    // two members before it would otherwise outvote the latest.
    const indexed = params.priceMedian;
    const today = (j: number) => (grossOf[j] as number) * (indexed ? priceSince(dueOf[j] as number) : 1);
    const recent = [today(i)];
    for (let j = prev; j >= 0 && recent.length < 3; j = links.prev[j] as number) recent.push(today(j));
    const latest = recent[0] as number;
    recent.sort((a, b) => a - b);
    // Two members: the latest (a price change shows there first).
    const base = recent.length === 3 ? (recent[1] as number) : latest;
    const amount = base * memberCashRatio * (indexed ? 1 : priceSince(due));
    if (amount <= 0) return;
    const c = links.cycle[i] as number;
    const tenure = links.tenure[i] as number;
    const q =
      paidOf[i] !== NO_DAY ? 1 : cancelledOf[i] !== NO_DAY ? 0 : tableOf(client).at(t - due).paidTotal;
    const r = q * rate(c, 'paid', tenure) + (1 - q) * rate(c, 'cancelled', tenure);
    // The series' own lead places its next invoices: the longest of its last three renewals'
    // (an invoice issued later than the series' usual lead was held back: Continuous Invoice
    // Generation off holds the next invoice until the last is paid; the one after comes on time),
    // clamped: a one-off early invoice is no rule.
    let own = due - (issueOf[i] as number);
    let j = prev;
    for (let k = 0; k < 2 && j >= 0 && (links.prev[j] as number) >= 0; k++) {
      own = Math.max(own, (dueOf[j] as number) - (issueOf[j] as number));
      j = links.prev[j] as number;
    }
    own = Math.min(Math.max(own, 0), 90);
    // Not issued by T although it may have been: the chance its next lead is short enough.
    const g = ownLeadBelow(c, own, addMonths(due, c) - t);
    const p1 = (r * g) / (1 - r + r * g || 1);
    project(client, due, c, tenure, amount, p1, own);
  };
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % STEP_SLICE === 0) yield;
    projectFrom(i);
  }
  for (const [c, placer] of [...renewalPlacers].sort((a, b) => a[0] - b[0])) {
    const v = new Float64Array(horizon);
    placer.spreadInto(v);
    renewalsByCycle.set(c, v);
    for (let d = 0; d < horizon; d++) parts.renewals[d] = (parts.renewals[d] as number) + (v[d] as number);
  }

  yield;
  // C. Other billing: first invoices (new business, one-offs, deposits), by due month.
  const tMonth = monthOfDay(t + 1) - 1;
  const window = params.otherWindowMonths;
  const monthly = new Float64Array(2 * window);
  const issuedAhead = new Map<number, number>();
  // Whole years of it by month, for its seasonality (hosting orders are January-heavy): two,
  // halved toward none, or `seasonYears` shrunk by their own noise (seasonBayes).
  const seasonYears = params.seasonBayes ? params.seasonYears : 2;
  const history = new Float64Array(12 * seasonYears);
  // Their number by month too: growth read from counts is far less noisy than from amounts,
  // where a few triennial orders decide a month.
  const monthlyCount = new Float64Array(2 * window);
  yield* links.forEachStep((l, i) => {
    if (l.prev >= 0) return;
    const gross = grossOf[i] as number;
    const m = monthOfDay(dueOf[i] as number);
    if (gross > 0 && m <= tMonth && m > tMonth - 2 * window) {
      const k = m - (tMonth - 2 * window) - 1;
      monthlyCount[k] = (monthlyCount[k] as number) + 1;
    }
    if (m <= tMonth && m > tMonth - 12 * seasonYears) {
      const k = m - (tMonth - 12 * seasonYears) - 1;
      history[k] = (history[k] as number) + gross;
    }
    if (m > tMonth) issuedAhead.set(m, (issuedAhead.get(m) ?? 0) + gross);
    else if (m > tMonth - 2 * window) {
      const k = m - (tMonth - 2 * window) - 1;
      monthly[k] = (monthly[k] as number) + gross;
    }
  });
  const recent = Array.from(monthly.slice(window));
  const older = Array.from(monthly.slice(0, window));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const level = mean(recent);
  // Growth is carried forward in proportion to how sure it is (empirical Bayes): the year-over-
  // year log ratio g weighs g^2 / (g^2 + var(g)). Read from the number of first invoices
  // (growthFromCounts), var(g) is the counts' Poisson noise; read from their amount, it is the
  // months' spread within each year (about cv^2 / window for each of the two means).
  const olderMean = mean(older);
  const recentCount = monthlyCount.slice(window).reduce((a, b) => a + b, 0);
  const olderCount = monthlyCount.slice(0, window).reduce((a, b) => a + b, 0);
  const measured = level > 0 && olderMean > 0;
  const fromCounts = params.growthFromCounts && measured && recentCount > 0 && olderCount > 0;
  /** var(g) read from amounts: the spread of the months within each year. */
  const amountNoise = () => {
    let spread = 0;
    for (const x of recent) spread += (x - level) ** 2;
    for (const x of older) spread += (x - olderMean) ** 2;
    const cv2 = spread / Math.max(1, 2 * window - 2) / ((level + olderMean) / 2) ** 2;
    return (2 * cv2) / window;
  };
  const logRatio = fromCounts
    ? Math.log(recentCount / olderCount)
    : measured
      ? Math.log(level / olderMean)
      : 0;
  // var(log(n1 / n2)) is about 1 / n1 + 1 / n2; without growthShrink, amounts are not shrunk.
  const noise = fromCounts
    ? 1 / recentCount + 1 / olderCount
    : params.growthShrink && measured
      ? amountNoise()
      : 0;
  const g2 = logRatio * logRatio;
  const weight = params.growthWeight * (g2 + noise > 0 ? g2 / (g2 + noise) : 1);
  const growth =
    olderMean > 0
      ? Math.min(
          1 + params.maxMonthlyGrowth,
          Math.max(1 - params.maxMonthlyGrowth, Math.exp((logRatio * weight) / window)),
        )
      : 1;
  // Seasonal index of month m: with seasonBayes, each month of the year over its year's mean on
  // the growth's trend line, shrunk by the years' own noise (seasonality.ts); else the same month
  // in each of the last two years over their mean month, damped halfway to 1, within [0.5, 2].
  const historyMean = history.reduce((a, b) => a + b, 0) / history.length;
  const bayes = params.seasonBayes ? seasonalIndex(history, growth) : null;
  const season = (m: number) => {
    if (params.seasonalOther === false || historyMean <= 0) return 1;
    const k = ((m - (tMonth - 12 * seasonYears) - 1) % 12) as number;
    if (bayes) return bayes[k] as number;
    const raw = ((history[k] as number) + (history[k + 12] as number)) / 2 / historyMean;
    return Math.min(2, Math.max(0.5, 1 + (raw - 1) * 0.5));
  };
  // The recent level is deseasonalised before the season of each month ahead is put back.
  let recentSeason = 0;
  for (let m = tMonth - window + 1; m <= tMonth; m++) recentSeason += season(m) / window;
  const pooledTable = tables[0] as OutcomeTable;
  const headPooled = headTables[0] as OutcomeTable;
  let grainOther = [0, 0];
  const lastMonth = monthOfDay(end - 1) + 1;
  for (let m = tMonth + 1; m <= lastMonth; m++) {
    const expectedHeads =
      ((level * season(m)) / (recentSeason || 1)) * growth ** (m - tMonth + (window - 1) / 2) * headCashRatio;
    const amount = Math.max(0, expectedHeads - (issuedAhead.get(m) ?? 0) * headCashRatio);
    if (amount <= 0) continue;
    const d0 = firstDayOfMonth(m);
    const days = firstDayOfMonth(m + 1) - d0;
    for (let d = d0; d < d0 + days; d++) {
      const v = amount / days;
      const due = Math.max(d, start);
      otherPlacer.add(headPooled, due, -headLead - 1, v);
      // Its series: each cycle's share renews, then at the cycle's rates.
      for (const c of CYCLES) {
        const [k, n] = headShare.get(c) as [number, number];
        if (n > 0 && k > 0 && addMonths(due, c) - typicalLeadOf(c) < end) {
          projectOther(c, due, v * headAmount(c), k / n);
        }
      }
    }
  }
  function projectOther(c: number, due: number, amount: number, p1: number) {
    const lead = typicalLeadOf(c);
    const q = pooledTable.at(-lead - 1).paidTotal;
    let p = p1;
    for (let k = 1; ; k++) {
      const d = addMonths(due, k * c);
      if (d - lead >= end || p < 1e-4) break;
      if (k > 1) p *= q * rate(c, 'paid', k) + (1 - q) * rate(c, 'cancelled', k);
      otherRenewalPlacer.add(pooledTable, d, -lead - 1, amount * p * drifted(c, k - 1));
    }
  }
  for (let i = 0; i < n; i++) {
    const total = totalOf[i] as number;
    if ((issueOf[i] as number) > t - 365 && total > 0)
      grainOther = [grainOther[0]! + total * total, grainOther[1]! + total];
  }

  openPlacer.spreadInto(parts.open);
  otherPlacer.spreadInto(parts.other);
  const otherRenewals = new Float64Array(horizon);
  otherRenewalPlacer.spreadInto(otherRenewals);
  for (let d = 0; d < horizon; d++)
    parts.other[d] = (parts.other[d] as number) + (otherRenewals[d] as number);

  return {
    source,
    currency,
    parts,
    grain: {
      open: grainOpen[1]! > 0 ? grainOpen[0]! / grainOpen[1]! : 0,
      renewals: grainRen[1]! > 0 ? grainRen[0]! / grainRen[1]! : 0,
      other: grainOther[1]! > 0 ? grainOther[0]! / grainOther[1]! : 0,
    },
    renewalsByCycle,
    otherRenewals,
    renewalEvidence: evidence,
    otherHistory: recent,
    otherLevel: level,
    links,
    renewalWall,
    byClient,
    assumptions: {
      payerClasses: countClasses(classes),
      renewalRates: Object.fromEntries(
        [...evidence].map(([c, e]) => [
          `${c}m`,
          { eligible: e.eligible, renewed: e.renewed, rate: round(e.renewed / e.eligible) },
        ]),
      ),
      firstInvoiceRenewalShareBySize: Object.fromEntries(
        [...binShare].map(([c, bins]) => [
          `${c}m`,
          bins.map(([k, n], b) => `${b === SIZE_BINS ? '| ' : ''}${k}/${n}`).join(' '),
        ]),
      ),
      firstInvoiceRenewalShare: Object.fromEntries(
        [...headShare].filter(([, [, n]]) => n > 0).map(([c, [k, n]]) => [`${c}m`, round(k / n)]),
      ),
      invoiceGenerationLeadDays: Object.fromEntries(
        [...cycleLeads.keys()].sort(ascending).map((c) => [`${c}m`, typicalLeadOf(c)]),
      ),
      renewalPriceIndex: Object.fromEntries(
        [3, 6, 12, 24].map((k) => [`${k}m`, round(priceIndex[k] as number)]),
      ),
      firstRenewalAmountRatio: Object.fromEntries(
        [...headRatio].map(([c, r]) => [`${c}m`, round(r[0] as number)]),
      ),
      cashShareOfGross: round(cashRatio),
      newBusinessMonthlyGross: round(level / 10_000),
      newBusinessMonthlyGrowth: round(growth - 1),
      newBusinessFirstInvoices: { months: window, recent: recentCount, before: olderCount },
      newBusinessSeason: Object.fromEntries(
        MONTH_NAMES.map((name, k) => [name, round(season(tMonth - (tMonth % 12) + k))]),
      ),
      planDriftPerRenewal: Object.fromEntries(
        [...drift].sort((a, b) => a[0] - b[0]).map(([c, d]) => [`${c}m`, round(d)]),
      ),
    },
  };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

function countClasses(classes: Map<number, PayerClass>) {
  const names = ['new', 'prompt', 'late', 'slow', 'veryLate', 'defaulting'];
  const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  for (const c of classes.values()) out[names[c] as string] = (out[names[c] as string] as number) + 1;
  return out;
}
