/*
 * The seasonal index of new business: how much a month of the year brings over the year's mean
 * month, read from the source's own whole years and shrunk toward "no season" by how much of it
 * its noise could explain (empirical Bayes). A few triennial orders decide a month's amount in a
 * small business, so its index is mostly noise; a large one shows hosting's real pattern (January
 * strong, August and December weak, about 1.45 to 0.7) plainly, and halving it (the index before
 * 1.13.0) left a fifth of January's new business out.
 */

/**
 * `months`: amounts by month, oldest first, `12 * years` of them, the last one the month before the
 * forecast. Returns the index of each position k = 0..11 within those years (position 0 is the
 * month after the forecast's last whole month, a year back). Years whose mean month is not
 * positive (before the source's first order) are left out. `growth` is the monthly growth already
 * carried forward: each month is read against the trend at its place in its year, so that growth
 * within a year does not pass for a season.
 */
export function seasonalIndex(months: ArrayLike<number>, growth: number): number[] {
  const years = Math.floor(months.length / 12);
  const ratios: number[][] = Array.from({ length: 12 }, () => []);
  // The trend at each place in a year, around the year's mean month: growth^(k - 5.5).
  const trend = Array.from({ length: 12 }, (_, k) => growth ** (k - 5.5));
  const trendSum = trend.reduce((a, b) => a + b, 0);
  for (let y = 0; y < years; y++) {
    let sum = 0;
    for (let k = 0; k < 12; k++) sum += months[12 * y + k] as number;
    if (!(sum > 0)) continue;
    const base = sum / trendSum;
    for (let k = 0; k < 12; k++)
      (ratios[k] as number[]).push((months[12 * y + k] as number) / (base * (trend[k] as number)));
  }
  const seen = (ratios[0] as number[]).length;
  if (seen < 2) return Array(12).fill(1);
  // Each position's mean ratio, and the variance of that mean (its years' spread over their number).
  const mean = ratios.map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length);
  let noise = 0;
  let spread = 0;
  for (let k = 0; k < 12; k++) {
    const xs = ratios[k] as number[];
    const m = mean[k] as number;
    noise += xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) / xs.length / 12;
    spread += (m - 1) ** 2 / 12;
  }
  // The season's own variance is what the positions' spread holds beyond their noise.
  const signal = Math.max(0, spread - noise);
  const weight = signal + noise > 0 ? signal / (signal + noise) : 0;
  const index = mean.map((m) => Math.min(2, Math.max(0.5, 1 + (m - 1) * weight)));
  const average = index.reduce((a, b) => a + b, 0) / 12;
  return index.map((x) => x / average);
}
