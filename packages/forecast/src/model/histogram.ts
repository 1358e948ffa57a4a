/*
 * Whole numbers (days) counted in [min, max]: ranks and shares of a million values without
 * collecting and sorting them. `at(k)` is what `sorted[k]` would be, `below(x)` how many sorted
 * values are < x.
 */
export class Histogram {
  readonly #min: number;
  readonly #counts: Int32Array;
  /** #below[k]: how many values are < min + k (filled by `finish`). */
  #below: Int32Array | null = null;
  size = 0;

  constructor(min: number, max: number) {
    this.#min = min;
    this.#counts = new Int32Array(Math.max(0, max - min + 1));
  }

  add(value: number): void {
    const k = value - this.#min;
    this.#counts[k] = (this.#counts[k] as number) + 1;
    this.size++;
    this.#below = null;
  }

  #cumulative(): Int32Array {
    if (this.#below) return this.#below;
    const below = new Int32Array(this.#counts.length + 1);
    for (let k = 0; k < this.#counts.length; k++)
      below[k + 1] = (below[k] as number) + (this.#counts[k] as number);
    this.#below = below;
    return below;
  }

  /** The value of rank `rank` (0-based) in ascending order; `rank` < size. */
  at(rank: number): number {
    const below = this.#cumulative();
    // The first value whose count of smaller-or-equal values passes the rank.
    let lo = 0;
    let hi = this.#counts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((below[mid + 1] as number) > rank) hi = mid;
      else lo = mid + 1;
    }
    return this.#min + lo;
  }

  /** How many values are below x. */
  below(x: number): number {
    const below = this.#cumulative();
    const k = x - this.#min;
    if (k <= 0) return 0;
    if (k >= below.length) return this.size;
    return below[k] as number;
  }
}
