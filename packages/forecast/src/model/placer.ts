import type { OutcomeTable } from './delay-model.ts';

/*
 * Spreads expected amounts over the days they get paid, in bulk. Placing each invoice's whole
 * payment distribution (up to 490 days) one by one made a million-invoice forecast spend most of
 * its time in this loop; instead, amounts are summed by (outcome table, age, first payment day)
 * and each sum is spread once, when the part is read. The in-window share an invoice contributes
 * (for concentration by client) comes from the outcome's running sums.
 */

interface Bucket {
  pay: Float64Array;
  /** cum[k] = pay[0] + ... + pay[k - 1]. */
  cum: Float64Array;
  /** Mass by first payment day, from day `base`. */
  mass: Float64Array;
}

export class Placer {
  readonly #buckets = new Map<OutcomeTable, Map<number, Bucket>>();
  readonly #base: number;

  /** Payments on days [start, end) are kept; `span` is the longest payment distribution. */
  constructor(
    readonly start: number,
    readonly end: number,
    span: number,
  ) {
    this.#base = start - span;
  }

  /**
   * Adds `amount` paid by the law of `table` for an invoice `age` days past its due date; returns
   * the part of it expected to be paid within [start, end).
   */
  add(table: OutcomeTable, due: number, age: number, amount: number): number {
    const firstDay = due + age + 1;
    if (firstDay >= this.end || amount === 0) return 0;
    let byAge = this.#buckets.get(table);
    if (!byAge) {
      byAge = new Map();
      this.#buckets.set(table, byAge);
    }
    let b = byAge.get(age);
    if (!b) {
      const pay = table.at(age).pay;
      const cum = new Float64Array(pay.length + 1);
      for (let k = 0; k < pay.length; k++) cum[k + 1] = (cum[k] as number) + (pay[k] as number);
      b = { pay, cum, mass: new Float64Array(this.end - this.#base) };
      byAge.set(age, b);
    }
    const from = Math.max(0, this.start - firstDay);
    const to = Math.min(b.pay.length, this.end - firstDay);
    if (to <= from) return 0;
    const j = firstDay - this.#base;
    b.mass[j] = (b.mass[j] as number) + amount;
    return amount * ((b.cum[to] as number) - (b.cum[from] as number));
  }

  /** Adds the spread amounts into `target` (index 0 = day `start`). */
  spreadInto(target: Float64Array): void {
    const width = this.end - this.start;
    for (const byAge of this.#buckets.values()) {
      for (const b of byAge.values()) {
        const { mass, pay } = b;
        for (let j = 0; j < mass.length; j++) {
          const m = mass[j] as number;
          if (m === 0) continue;
          const firstDay = this.#base + j;
          const from = Math.max(0, this.start - firstDay);
          const to = Math.min(pay.length, this.end - firstDay);
          const offset = firstDay - this.start;
          for (let k = from; k < to && offset + k < width; k++)
            target[offset + k] = (target[offset + k] as number) + m * (pay[k] as number);
        }
      }
    }
  }
}
