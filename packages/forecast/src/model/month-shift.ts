import { addMonths } from '../dates.ts';

/*
 * addMonths, remembered per (day, months): the forecast moves the same few thousand due days by
 * the same few cycles millions of times over a large ledger. Same values as addMonths.
 */

const NONE = -0x80000000;
const MAX_MONTHS = 240;

export class MonthShift {
  readonly #columns: Array<Int32Array | undefined> = new Array(2 * MAX_MONTHS + 1);

  /** Days [from, to] are remembered; others are computed each time. */
  constructor(
    readonly from: number,
    readonly to: number,
  ) {}

  /** addMonths(day, months). */
  at(day: number, months: number): number {
    if (day < this.from || day > this.to || months < -MAX_MONTHS || months > MAX_MONTHS)
      return addMonths(day, months);
    let column = this.#columns[months + MAX_MONTHS];
    if (!column) {
      column = new Int32Array(this.to - this.from + 1).fill(NONE);
      this.#columns[months + MAX_MONTHS] = column;
    }
    const k = day - this.from;
    let v = column[k] as number;
    if (v === NONE) {
      v = addMonths(day, months);
      column[k] = v;
    }
    return v;
  }
}
