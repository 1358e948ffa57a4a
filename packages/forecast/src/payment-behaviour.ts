import { formatUnits } from '@forecaster/whmcs-client';
import type { z } from 'zod';
import { stateAt } from './as-of.ts';
import { getOrCreate } from './collections.ts';
import { grossOf, type LedgerInvoice } from './ledger.ts';
import type { behaviourRowSchema } from './schemas.ts';
import { drain, STEP_SLICE, type Steps } from './steps.ts';

/*
 * How clients pay (design notes §4.3, GET /v1/payment-behaviour): the evidence behind the
 * forecast's delay model.
 *
 * Settled invoices are those Paid, Refunded or in Collections with a payment date in the window
 * (asOf - windowDays, asOf]; delay = payment date - due date, in days (negative: early).
 */

export const BEHAVIOUR_DEFINITIONS = {
  count: 'Settled invoices (Paid, Refunded, Collections) with a payment date in the window',
  meanDelayDays:
    'Mean of payment date - due date in days, weighted by total (by count when every total is 0)',
  p10: 'Delay in days at which 10% of the settled invoices (by count) were paid; p50 and p90 likewise',
  onTimeShare: 'Share of the settled amount paid on or before the due date',
  within30Share: 'Share of the settled amount paid at most 30 days after the due date (on-time included)',
  neverPaidRate:
    'Of the gross of invoices due in the window before asOf, the share Cancelled after their due date (undated cancellations count as after)',
} as const;

export type BehaviourRow = z.infer<typeof behaviourRowSchema>;
export type BehaviourStats = Omit<BehaviourRow, 'source' | 'currency' | 'client'>;

export interface BehaviourOptions {
  asOf: number;
  dataAsOf: number;
  windowDays?: number;
  /** Adds one row per client (source, client, currency). */
  byClient?: boolean;
  /** Only this client (per source). */
  client?: number;
}

class Acc {
  delays: number[] = [];
  settled = 0n;
  weighted = 0;
  weight = 0;
  onTime = 0;
  within30 = 0;
  dueGross = 0n;
  neverGross = 0n;

  addSettled(delay: number, total: bigint): void {
    const w = Number(total);
    this.delays.push(delay);
    this.settled += total;
    this.weighted += w * delay;
    this.weight += w;
    if (delay <= 0) this.onTime += w;
    if (delay <= 30) this.within30 += w;
  }

  stats(): BehaviourStats {
    const n = this.delays.length;
    const sorted = Float64Array.from(this.delays).sort();
    const pct = (p: number) => (n === 0 ? null : (sorted[Math.min(n - 1, Math.ceil(p * n) - 1)] as number));
    const mean =
      n === 0
        ? null
        : this.weight > 0
          ? this.weighted / this.weight
          : this.delays.reduce((s, d) => s + d, 0) / n;
    const share = (x: number) => (this.weight > 0 ? round(x / this.weight, 4) : null);
    return {
      count: n,
      settledAmount: formatUnits(this.settled),
      meanDelayDays: mean === null ? null : round(mean, 2),
      p10: pct(0.1),
      p50: pct(0.5),
      p90: pct(0.9),
      onTimeShare: share(this.onTime),
      within30Share: share(this.within30),
      neverPaidRate: this.dueGross > 0n ? round(Number(this.neverGross) / Number(this.dueGross), 4) : null,
    };
  }
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Payment behaviour overall (`all` rows per currency), per source and currency, and per client.
 *
 * @example paymentBehaviour(ledger, { asOf: dayOf('2024-06-30'), dataAsOf: dayOf('2024-07-01') })
 */
export function paymentBehaviour(ledger: Iterable<LedgerInvoice>, options: BehaviourOptions): BehaviourRow[] {
  return drain(paymentBehaviourSteps(ledger, options));
}

/** {@link paymentBehaviour}, yielding every {@link STEP_SLICE} invoices read and delays ranked. */
export function* paymentBehaviourSteps(
  ledger: Iterable<LedgerInvoice>,
  options: BehaviourOptions,
): Steps<BehaviourRow[]> {
  const { asOf, dataAsOf } = options;
  const start = asOf - (options.windowDays ?? 365);
  const accs = new Map<string, { source: string; currency: string; client?: number; acc: Acc }>();
  const get = (source: string, currency: string, client?: number) => {
    const key = `${source}\u0000${currency}\u0000${client ?? ''}`;
    return getOrCreate(accs, key, () => ({
      source,
      currency,
      ...(client !== undefined ? { client } : {}),
      acc: new Acc(),
    })).acc;
  };
  let seen = 0;
  for (const i of ledger) {
    if (++seen % STEP_SLICE === 0) yield;
    if (options.client !== undefined && i.client !== options.client) continue;
    const targets = [get('all', i.currency), get(i.source, i.currency)];
    if (options.byClient || options.client !== undefined) targets.push(get(i.source, i.currency, i.client));
    const settled = i.status === 'paid' || i.status === 'refunded' || i.status === 'collections';
    const due = i.due ?? i.issue;
    if (
      i.status !== 'draft' &&
      due !== null &&
      settled &&
      i.paid !== null &&
      i.paid > start &&
      i.paid <= asOf
    ) {
      for (const a of targets) a.addSettled(i.paid - due, i.total);
    }
    if (
      i.status !== 'draft' &&
      i.issue !== null &&
      due !== null &&
      due > start &&
      due < asOf &&
      i.issue <= asOf
    ) {
      const state = stateAt(i, asOf, dataAsOf);
      const gross = grossOf(i);
      const cancelledAfterDue = state === 'cancelled' && (i.cancelled === null || i.cancelled > due);
      for (const a of targets) {
        a.dueGross += gross;
        if (cancelledAfterDue) a.neverGross += gross;
      }
    }
  }
  const sorted = [...accs.values()].sort(
    (a, b) =>
      (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0) ||
      (a.source === 'all' ? -1 : 0) - (b.source === 'all' ? -1 : 0) ||
      (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) ||
      (a.client ?? -1) - (b.client ?? -1),
  );
  const rows: BehaviourRow[] = [];
  // Per client (`byClient`) a hundred thousand rows: each ranks its delays.
  let ranked = 0;
  for (const a of sorted) {
    ranked += a.acc.delays.length + 1;
    if (ranked >= STEP_SLICE) {
      ranked = 0;
      yield;
    }
    rows.push({
      source: a.source,
      currency: a.currency,
      ...(a.client !== undefined ? { client: a.client } : {}),
      ...a.acc.stats(),
    });
  }
  return rows;
}
