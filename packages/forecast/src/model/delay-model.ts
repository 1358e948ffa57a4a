import { getOrCreate } from '../collections.ts';
import { drain, STEP_SLICE, type Steps } from '../steps.ts';
import { NO_DAY, type SeenColumns } from './seen-columns.ts';

/*
 * When an invoice gets paid (design notes §4.4 A): a discrete hazard over days past due with
 * two competing outcomes, paid and cancelled, estimated Kaplan-Meier style from amounts at risk
 * (nothing to fit, exactly reproducible). Invoices still open at the origin are right-censored.
 * Clients are grouped into payer classes by their own history, each class with its own hazard
 * (pooled where a class has too little history), which conditions every open invoice on its age
 * and on how its client pays.
 */

/** Delay grid: day MIN_DELAY (early) to MAX_DELAY after the due date; later counts as never. */
export const MIN_DELAY = -90;
export const MAX_DELAY = 400;
const SPAN = MAX_DELAY - MIN_DELAY + 1;
/** Past this delay, hazards are pooled over weeks: few invoices are that late. */
const DAILY_UNTIL = 45;
const BLOCK = 7;

export const PAYER_CLASSES = ['new', 'prompt', 'late', 'slow', 'very-late', 'defaulting'] as const;
export type PayerClass = 0 | 1 | 2 | 3 | 4 | 5;

export interface Hazard {
  paid: Float64Array;
  cancelled: Float64Array;
  /** Amount that entered the risk set: how much evidence there is. */
  weight: number;
}

const idx = (delay: number) => Math.min(MAX_DELAY, Math.max(MIN_DELAY, delay)) - MIN_DELAY;

/**
 * Estimates one hazard from the rows `rows` of a snapshot at `t` (their state at `t`).
 * `creditAsNever`: an invoice settled by credit alone (a mass payment, a credit balance) counts
 * as never paid, at its amount before credit: its money came in as another invoice's cash. Left
 * out otherwise (it has no cash of its own to weigh it by).
 */
export function estimateHazard(
  invoices: SeenColumns,
  rows: ArrayLike<number>,
  t: number,
  creditAsNever = false,
): Hazard {
  const enter = new Float64Array(SPAN + 1);
  const leave = new Float64Array(SPAN + 1);
  const paid = new Float64Array(SPAN);
  const cancelled = new Float64Array(SPAN);
  let weight = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    const paidOn = invoices.paid[i] as number;
    let w = Math.max(0, invoices.total[i] as number);
    // Settled by credit alone (a mass payment, a credit balance): its amount came in as another
    // invoice's cash, so for its own it counts as never paid, like a cancelled one.
    const byCredit = creditAsNever && w === 0 && paidOn !== NO_DAY;
    if (byCredit) w = Math.max(0, invoices.gross[i] as number);
    if (w === 0) continue;
    const due = invoices.due[i] as number;
    const start = idx((invoices.issue[i] as number) - due);
    const cancelledOn = invoices.cancelled[i] as number;
    let end: number;
    if (byCredit) {
      end = idx(paidOn - due);
      cancelled[end] = (cancelled[end] as number) + w;
    } else if (paidOn !== NO_DAY) {
      end = idx(paidOn - due);
      paid[end] = (paid[end] as number) + w;
    } else if (cancelledOn !== NO_DAY) {
      end = idx(cancelledOn - due);
      cancelled[end] = (cancelled[end] as number) + w;
    } else end = idx(t - due);
    if (end < start) end = start;
    enter[start] = (enter[start] as number) + w;
    leave[end + 1] = (leave[end + 1] as number) + w;
    weight += w;
  }
  const hp = new Float64Array(SPAN);
  const hc = new Float64Array(SPAN);
  let risk = 0;
  const riskAt = new Float64Array(SPAN);
  for (let d = 0; d < SPAN; d++) {
    risk += (enter[d] as number) - (leave[d] as number);
    riskAt[d] = risk;
  }
  const dailyEnd = DAILY_UNTIL - MIN_DELAY;
  for (let d = 0; d < SPAN; d++) {
    if (d <= dailyEnd) {
      const r = riskAt[d] as number;
      if (r > 0) {
        hp[d] = (paid[d] as number) / r;
        hc[d] = (cancelled[d] as number) / r;
      }
      continue;
    }
    // A week at a time: the block's events over its first day's risk, spread as a daily rate.
    const b0 = d - ((d - dailyEnd - 1) % BLOCK);
    if (d !== b0) {
      hp[d] = hp[b0] as number;
      hc[d] = hc[b0] as number;
      continue;
    }
    const b1 = Math.min(SPAN, b0 + BLOCK);
    let p = 0;
    let c = 0;
    for (let k = b0; k < b1; k++) {
      p += paid[k] as number;
      c += cancelled[k] as number;
    }
    const r = riskAt[b0] as number;
    if (r > 0) {
      const total = Math.min(1, (p + c) / r);
      const daily = 1 - (1 - total) ** (1 / (b1 - b0));
      const share = p + c > 0 ? p / (p + c) : 0;
      hp[d] = daily * share;
      hc[d] = daily * (1 - share);
    }
  }
  return { paid: hp, cancelled: hc, weight };
}

/**
 * The outcome of an invoice open at `age` days past due: the probability of payment on each
 * later delay (index 0 = delay age + 1), and of never being paid within the grid.
 */
export interface Outcome {
  /** P(paid at delay age + 1 + k). */
  pay: Float64Array;
  /** P(cancelled, or still unpaid past MAX_DELAY). */
  never: number;
  /** P(paid at all). */
  paidTotal: number;
}

/** Caches the conditional outcome of each (hazard, age). */
export class OutcomeTable {
  readonly #cache = new Map<number, Outcome>();
  constructor(readonly hazard: Hazard) {}

  at(age: number): Outcome {
    const a = Math.min(MAX_DELAY, Math.max(MIN_DELAY - 1, age));
    let o = this.#cache.get(a);
    if (o) return o;
    const first = a + 1 - MIN_DELAY;
    const pay = new Float64Array(Math.max(0, SPAN - first));
    let survive = 1;
    let paidTotal = 0;
    for (let d = first; d < SPAN; d++) {
      const hp = this.hazard.paid[d] as number;
      const hc = this.hazard.cancelled[d] as number;
      const p = survive * hp;
      pay[d - first] = p;
      paidTotal += p;
      survive *= Math.max(0, 1 - hp - hc);
    }
    o = { pay, never: 1 - paidTotal, paidTotal };
    this.#cache.set(a, o);
    return o;
  }
}

interface PayerHistory {
  /** Amount paid, and amount times its days late. */
  w: number;
  wd: number;
  /** Gross due, and gross cancelled after its due date. */
  dueGross: number;
  never: number;
}

const emptyHistory = (): PayerHistory => ({ w: 0, wd: 0, dueGross: 0, never: 0 });

/** Adds invoice `i`'s outcome as known at `t` to its client's history (invoices due after `t` tell nothing yet). */
function record(histories: Map<number, PayerHistory>, invoices: SeenColumns, i: number, t: number): void {
  const a = getOrCreate(histories, invoices.client[i] as number, emptyHistory);
  const due = invoices.due[i] as number;
  if (due > t) return;
  const total = invoices.total[i] as number;
  const paid = invoices.paid[i] as number;
  if (paid !== NO_DAY && total > 0) {
    a.w += total;
    a.wd += total * (paid - due);
  }
  const gross = invoices.gross[i] as number;
  a.dueGross += gross;
  const cancelled = invoices.cancelled[i] as number;
  if (cancelled !== NO_DAY && cancelled > due) a.never += gross;
}

/** The class a payer history puts a client in (amount-weighted mean delay, cancellations after due). */
function classOf(a: PayerHistory | undefined): PayerClass {
  if (!a) return 0;
  if (a.dueGross > 0 && a.never / a.dueGross >= 0.5) return 5;
  if (a.w === 0) return 0;
  const mean = a.wd / a.w;
  return mean <= 3 ? 1 : mean <= 20 ? 2 : mean <= 60 ? 3 : 4;
}

/** Per client: the payer class from its history at `t`. */
export function classifyClients(
  invoices: SeenColumns,
  rows: ArrayLike<number>,
  t: number,
): Map<number, PayerClass> {
  return drain(classifyClientsSteps(invoices, rows, t));
}

/** {@link classifyClients}, yielding every {@link STEP_SLICE} rows. */
export function* classifyClientsSteps(
  invoices: SeenColumns,
  rows: ArrayLike<number>,
  t: number,
): Steps<Map<number, PayerClass>> {
  const acc = new Map<number, PayerHistory>();
  for (let r = 0; r < rows.length; r++) {
    if (r > 0 && r % STEP_SLICE === 0) yield;
    record(acc, invoices, rows[r] as number, t);
  }
  const classes = new Map<number, PayerClass>();
  for (const [client, a] of acc) classes.set(client, classOf(a));
  return classes;
}

/**
 * Per row: the payer class its client had from the invoices due before it (their outcomes as
 * known at `t`), as an invoice open at `t` is classed by the history before it. Classing each
 * invoice by its client's whole history instead puts the invoice's own outcome into its class:
 * a late payer's lucky early payments make it "prompt", and the prompt hazard then learns from
 * invoices selected for being paid on time, so an open invoice of a prompt client is expected
 * paid sooner, and more surely, than such invoices are.
 */
export function classesBefore(invoices: SeenColumns, rows: ArrayLike<number>, t: number): Uint8Array {
  return drain(classesBeforeSteps(invoices, rows, t));
}

/** {@link classesBefore}, yielding between its passes and every {@link STEP_SLICE} rows classed. */
export function* classesBeforeSteps(
  invoices: SeenColumns,
  rows: ArrayLike<number>,
  t: number,
): Steps<Uint8Array> {
  const out = new Uint8Array(rows.length);
  if (rows.length === 0) return out;
  const pass = rows.length > STEP_SLICE;
  // Rows in due order (a counting sort: the days span a few years).
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < rows.length; r++) {
    const due = invoices.due[rows[r] as number] as number;
    if (due < low) low = due;
    if (due > high) high = due;
  }
  const starts = new Int32Array(high - low + 2);
  for (let r = 0; r < rows.length; r++) {
    const slot = (invoices.due[rows[r] as number] as number) - low + 1;
    starts[slot] = (starts[slot] as number) + 1;
  }
  for (let d = 1; d < starts.length; d++) starts[d] = (starts[d] as number) + (starts[d - 1] as number);
  if (pass) yield;
  const order = new Int32Array(rows.length);
  const next = starts.slice(0, -1);
  for (let r = 0; r < rows.length; r++) {
    const slot = (invoices.due[rows[r] as number] as number) - low;
    order[next[slot] as number] = r;
    next[slot] = (next[slot] as number) + 1;
  }
  if (pass) yield;
  const acc = new Map<number, PayerHistory>();
  // A day's invoices are classed before any of them is recorded: none is "before" another.
  let sinceYield = 0;
  for (let d = 0; d + 1 < starts.length; d++) {
    const from = starts[d] as number;
    const to = starts[d + 1] as number;
    for (let k = from; k < to; k++) {
      const r = order[k] as number;
      out[r] = classOf(acc.get(invoices.client[rows[r] as number] as number));
    }
    for (let k = from; k < to; k++) record(acc, invoices, rows[order[k] as number] as number, t);
    sinceYield += to - from;
    if (sinceYield >= STEP_SLICE) {
      sinceYield = 0;
      yield;
    }
  }
  return out;
}

/** Minimum evidence (share of the pooled amount) for a class to get its own hazard. */
const MIN_CLASS_SHARE = 0.01;

/**
 * Hazards per payer class (index = class), the pooled one for classes with too little evidence.
 * `classes`: per client (its class at `t`; class 0, nothing paid yet, then gets the pooled
 * hazard), or per row (`classesBefore`; class 0, the invoices of clients with nothing paid before
 * them, mostly first orders, then gets its own). Yields after each hazard it estimates.
 */
export function* classHazardsSteps(
  invoices: SeenColumns,
  rows: ArrayLike<number>,
  classes: Map<number, PayerClass> | Uint8Array,
  t: number,
  creditAsNever = false,
): Steps<{ pooled: Hazard; byClass: Hazard[] }> {
  const pass = rows.length > STEP_SLICE;
  const pooled = estimateHazard(invoices, rows, t, creditAsNever);
  if (pass) yield;
  const groups: number[][] = PAYER_CLASSES.map(() => []);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    const c = classes instanceof Uint8Array ? classes[r] : classes.get(invoices.client[i] as number);
    groups[c ?? 0]?.push(i);
  }
  const byClass: Hazard[] = [];
  for (const [c, g] of groups.entries()) {
    if (pass) yield;
    if (c === 0 && !(classes instanceof Uint8Array)) {
      byClass.push(pooled);
      continue;
    }
    const h = estimateHazard(invoices, g, t, creditAsNever);
    byClass.push(h.weight >= pooled.weight * MIN_CLASS_SHARE ? h : pooled);
  }
  return { pooled, byClass };
}
